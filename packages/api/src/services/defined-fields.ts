/** The fields of a partial update that were actually given, so an omitted field is left unchanged. */
export function definedFields<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(input as Record<string, unknown>).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
