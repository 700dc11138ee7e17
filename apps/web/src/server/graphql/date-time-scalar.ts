import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === "number" || typeof value === "string") return new Date(value);
  return undefined;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseIso(value: unknown): Date {
  if (typeof value !== "string" || !ISO_DATE_TIME.test(value)) {
    throw new GraphQLError("DateTime expects an ISO 8601 string such as 2026-11-26T08:00:00.000Z");
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new GraphQLError(`${value} is not a valid date-time`);
  return date;
}

/** `DateTime`: sends a Date, epoch ms or ISO string as an ISO 8601 UTC string; reads ISO strings. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  serialize(value) {
    const date = toDate(value);
    if (date === undefined || Number.isNaN(date.getTime())) {
      throw new GraphQLError(`cannot send ${String(value)} as a DateTime`);
    }
    return date.toISOString();
  },
  parseValue: parseIso,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime literals must be strings");
    return parseIso(ast.value);
  },
});
