import { getNamedType, type GraphQLNamedType, type GraphQLSchema, isAbstractType, isObjectType } from 'graphql';

/** The object types a client can reach from the root fields, through fields, unions and interfaces. */
export function reachableObjectTypes(schema: GraphQLSchema): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((root) => root != null);
  const seen = new Set<string>();
  const pending: GraphQLNamedType[] = [...roots];
  for (let type = pending.pop(); type; type = pending.pop()) {
    if (seen.has(type.name)) continue;
    seen.add(type.name);
    if (isAbstractType(type)) pending.push(...schema.getPossibleTypes(type));
    if (isObjectType(type)) for (const field of Object.values(type.getFields())) pending.push(getNamedType(field.type));
  }
  const rootNames = new Set(roots.map((root) => root.name));
  return [...seen].filter((name) => isObjectType(schema.getType(name)) && !rootNames.has(name) && !name.startsWith('__')).sort();
}

/** `Type.field` of every root field, and of every field of the given object types. */
export function coordinatesOf(schema: GraphQLSchema, typeNames: readonly string[]): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((root) => root != null);
  const types = [...roots, ...typeNames.map((name) => schema.getType(name))];
  return types.flatMap((type) => (isObjectType(type) ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [])).sort();
}
