import { announceCommit } from '../db/commits.ts';
import { isRetained, type LogPosition, settledEnd } from '../db/sql/event-log.ts';
import type { WebhookEndpointRow } from '../db/sql/rows.ts';
import {
  deleteEndpoint,
  type EndpointChanges,
  findEndpoint,
  insertEndpoint,
  MAX_WEBHOOK_ENDPOINTS,
  queueRedelivery,
  replayFrom,
  rotateSecret,
  unknownModels,
  updateEndpoint,
} from '../db/sql/webhook-endpoints.ts';
import { CursorExpiredError, InvalidParamError, WebhookEndpointNotFoundError } from '../domain/errors.ts';
import { isStorableText } from '../domain/text.ts';
import { decodeEventCursor } from '../events/cursor.ts';
import type { TaskEventType } from '../generated/prisma/enums.ts';
import { type AddressPolicy, urlRefusal } from '../webhooks/address-guard.ts';
import { newWebhookSecret } from '../webhooks/send-webhook.ts';

const MAX_URL_LENGTH = 2_048;
const MAX_DESCRIPTION_LENGTH = 500;
/** The longest a rotated-out secret keeps signing. */
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 3_600;

export interface EndpointSettings {
  url: string;
  description: string | null;
  eventTypes: TaskEventType[];
  models: string[];
}

/** An endpoint with its signing secret, shown only when it is made. */
export interface EndpointWithSecret {
  endpoint: WebhookEndpointRow;
  secret: string;
}

async function checkUrl(url: string, param: string, addresses: AddressPolicy): Promise<void> {
  if (url.length > MAX_URL_LENGTH) throw new InvalidParamError(param, `${param} must be at most ${MAX_URL_LENGTH} characters.`);
  const refusal = await urlRefusal(url, addresses);
  if (refusal !== undefined) throw new InvalidParamError(param, refusal);
}

/** The settings as stored: checked, and their lists without repeats. */
async function checkedSettings(settings: EndpointSettings, prefix: string, addresses: AddressPolicy): Promise<EndpointSettings> {
  await checkUrl(settings.url, `${prefix}url`, addresses);
  if (settings.description !== null && (settings.description.length > MAX_DESCRIPTION_LENGTH || !isStorableText(settings.description))) {
    throw new InvalidParamError(`${prefix}description`, `description must be at most ${MAX_DESCRIPTION_LENGTH} characters of text.`);
  }
  const models = [...new Set(settings.models)];
  const [unknown] = await unknownModels(models);
  if (unknown !== undefined) throw new InvalidParamError(`${prefix}models.${settings.models.indexOf(unknown)}`, `There is no model "${unknown}".`);
  return { ...settings, eventTypes: [...new Set(settings.eventTypes)], models };
}

/** A new endpoint, delivering the account's events from now on. */
export async function createEndpoint(accountId: string, settings: EndpointSettings, addresses: AddressPolicy): Promise<EndpointWithSecret> {
  const checked = await checkedSettings(settings, 'input.', addresses);
  const secret = newWebhookSecret();
  const endpoint = await insertEndpoint({ accountId, ...checked, secret }, await settledEnd());
  if (!endpoint) throw new InvalidParamError(null, `An account may have at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints.`);
  return { endpoint, secret };
}

async function ownEndpoint(accountId: string, id: string): Promise<WebhookEndpointRow> {
  const endpoint = await findEndpoint(accountId, id);
  if (!endpoint) throw new WebhookEndpointNotFoundError();
  return endpoint;
}

/** Changes what is given and keeps the rest; enabling a disabled endpoint resumes it where it stopped. */
export async function changeEndpoint(
  accountId: string,
  id: string,
  changes: Partial<EndpointChanges>,
  addresses: AddressPolicy,
): Promise<WebhookEndpointRow> {
  const current = await ownEndpoint(accountId, id);
  const merged = {
    url: changes.url ?? current.url,
    description: changes.description === undefined ? current.description : changes.description,
    eventTypes: changes.eventTypes ?? current.eventTypes,
    models: changes.models ?? current.models,
  };
  const checked = await checkedSettings(merged, 'input.', addresses);
  const updated = await updateEndpoint(accountId, id, { ...checked, enabled: changes.enabled ?? current.enabled });
  if (!updated) throw new WebhookEndpointNotFoundError();
  if (updated.enabled) announceCommit();
  return updated;
}

/** A new secret; the old one signs too for `overlapSeconds`, so receivers can switch without losing a message. */
export async function rotateEndpointSecret(accountId: string, id: string, overlapSeconds: number): Promise<EndpointWithSecret> {
  if (!Number.isInteger(overlapSeconds) || overlapSeconds < 0 || overlapSeconds > MAX_SECRET_OVERLAP_SECONDS) {
    throw new InvalidParamError('overlapSeconds', `overlapSeconds must be a whole number from 0 to ${MAX_SECRET_OVERLAP_SECONDS}.`);
  }
  const secret = newWebhookSecret();
  const endpoint = await rotateSecret(accountId, id, secret, overlapSeconds);
  if (!endpoint) throw new WebhookEndpointNotFoundError();
  return { endpoint, secret };
}

export async function removeEndpoint(accountId: string, id: string): Promise<void> {
  if (!(await deleteEndpoint(accountId, id))) throw new WebhookEndpointNotFoundError();
}

/** One of the account's events still in the log, by its cursor. */
async function retainedPosition(accountId: string, cursor: string, param: string): Promise<LogPosition> {
  const position = decodeEventCursor(cursor);
  if (!position) throw new InvalidParamError(param, `${param} is not an event cursor.`);
  if (!(await isRetained(position, accountId))) throw new CursorExpiredError(param);
  return position;
}

/** Sends one event again, before the endpoint's next event; the same `webhook-id` as before. */
export async function redeliverEvent(accountId: string, id: string, cursor: string): Promise<WebhookEndpointRow> {
  const endpoint = await ownEndpoint(accountId, id);
  const position = await retainedPosition(accountId, cursor, 'cursor');
  if (!(await queueRedelivery(accountId, id, position))) throw new CursorExpiredError('cursor');
  announceCommit();
  return endpoint;
}

/** Walks the log again for the endpoint, from just after `after`, or from the oldest event kept when it is null. */
export async function replayEndpoint(accountId: string, id: string, after: string | null): Promise<WebhookEndpointRow> {
  await ownEndpoint(accountId, id);
  const position = after === null ? { txid: 0n, id: 0n } : await retainedPosition(accountId, after, 'after');
  const endpoint = await replayFrom(accountId, id, position);
  if (!endpoint) throw new WebhookEndpointNotFoundError();
  announceCommit();
  return endpoint;
}
