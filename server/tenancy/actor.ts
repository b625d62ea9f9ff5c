/** Who is acting: recorded on every audit row and used to scope what they can do. */
export type Actor =
  | { kind: "user"; userId: string; label: string }
  | { kind: "apiKey"; apiKeyId: string; label: string }
  | { kind: "runToken"; runId: string; label: string }
  | { kind: "system"; label: string };

export const systemActor = (label: string): Actor => ({ kind: "system", label });
