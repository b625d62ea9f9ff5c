/**
 * Domain errors, thrown by services. They are mapped to tRPC codes and HTTP statuses in one
 * place (server/api/error-mapping.ts); anything else becomes a masked 500.
 */
export class DomainError extends Error {
  constructor(message: string, readonly kind: "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT") {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string) { super(message, "BAD_REQUEST"); }
}
export class UnauthorizedError extends DomainError {
  constructor(message = "Authentication required") { super(message, "UNAUTHORIZED"); }
}
export class ForbiddenError extends DomainError {
  constructor(message = "You do not have permission to do that") { super(message, "FORBIDDEN"); }
}
export class NotFoundError extends DomainError {
  constructor(what: string) { super(`${what} not found`, "NOT_FOUND"); }
}
export class ConflictError extends DomainError {
  constructor(message: string) { super(message, "CONFLICT"); }
}

/** A spending limit is reached: 402, so clients tell it apart from a missing permission. */
export class BudgetSpentError extends DomainError {
  readonly status = 402;
  constructor(message: string) { super(message, "FORBIDDEN"); }
}
