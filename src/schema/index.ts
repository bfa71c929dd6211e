import { builder } from './builder.ts';
import './scalars.ts';
import './enums.ts';
import './errors.ts';
import './task/task.type.ts';
import './task/task-event.type.ts';
import './task/task.queries.ts';
import './task/task.mutations.ts';
import './task/task.subscriptions.ts';
import './account/account.type.ts';
import './account/ledger-entry.type.ts';
import './account/account.queries.ts';
import './model/model.type.ts';
import './model/model.queries.ts';
import './node.queries.ts';
import './worker/worker.mutations.ts';

export const schema = builder.toSchema({ sortSchema: true });
