/**
 * The run filter language, as MLflow's search (so the same string works in our search box and
 * from an MLflow client): clauses joined by AND, each `<entity>.<key> <op> <value>`.
 *   metrics.loss < 0.1 and params.lr = '0.01' and tags."team-a" = 'nlp' and status = 'FINISHED'
 * Entities: metrics (numbers, compared with = != < <= > >=), params and tags (strings: = != LIKE
 * ILIKE), attributes (status, run_name, run_id, start_time, end_time; `attributes.` optional).
 * Keys with other characters are quoted with "…" or `…`. Errors say where and what was expected.
 */

export type Entity = "metric" | "param" | "tag" | "attribute";
export type Op = "=" | "!=" | "<" | "<=" | ">" | ">=" | "LIKE" | "ILIKE" | "IN" | "NOT IN";
export interface Clause { entity: Entity; key: string; op: Op; value: string | number | string[] }
export interface OrderTerm { entity: Entity; key: string; descending: boolean }

export class FilterError extends Error {}

const ENTITY_ALIASES: Record<string, Entity> = {
  metric: "metric", metrics: "metric", param: "param", params: "param", parameter: "param", parameters: "param",
  tag: "tag", tags: "tag", attribute: "attribute", attributes: "attribute", attr: "attribute", run: "attribute",
};
export const ATTRIBUTES = { status: "string", run_name: "string", run_id: "string", start_time: "number", end_time: "number", created: "number" } as const;
const ATTRIBUTE_ALIASES: Record<string, keyof typeof ATTRIBUTES> = {
  status: "status", run_name: "run_name", name: "run_name", "run name": "run_name", run_id: "run_id", id: "run_id",
  start_time: "start_time", end_time: "end_time", created: "created", creation_time: "created",
};
const NUMERIC_OPS: Op[] = ["=", "!=", "<", "<=", ">", ">="];
const STRING_OPS: Op[] = ["=", "!=", "LIKE", "ILIKE"];

type Token = { kind: "word" | "quoted" | "string" | "number" | "op" | "dot" | "comma" | "lparen" | "rparen"; text: string; at: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) { i++; continue; }
    const at = i;
    if (c === "'" || c === '"' || c === "`") {
      const end = input.indexOf(c, i + 1);
      if (end < 0) throw new FilterError(`unclosed ${c} starting at position ${at + 1}`);
      tokens.push({ kind: c === "'" ? "string" : "quoted", text: input.slice(i + 1, end), at });
      i = end + 1;
      continue;
    }
    const op = /^(<=|>=|!=|<>|=|<|>)/.exec(input.slice(i));
    if (op) { tokens.push({ kind: "op", text: op[1] === "<>" ? "!=" : op[1], at }); i += op[1].length; continue; }
    if (c === ".") { tokens.push({ kind: "dot", text: ".", at }); i++; continue; }
    if (c === ",") { tokens.push({ kind: "comma", text: ",", at }); i++; continue; }
    if (c === "(") { tokens.push({ kind: "lparen", text: "(", at }); i++; continue; }
    if (c === ")") { tokens.push({ kind: "rparen", text: ")", at }); i++; continue; }
    const num = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i.exec(input.slice(i));
    if (num && (tokens.length === 0 || tokens[tokens.length - 1].kind === "op" || tokens[tokens.length - 1].kind === "comma" || tokens[tokens.length - 1].kind === "lparen")) {
      tokens.push({ kind: "number", text: num[0], at }); i += num[0].length; continue;
    }
    const word = /^[\w:/-]+/.exec(input.slice(i));
    if (!word) throw new FilterError(`unexpected "${c}" at position ${at + 1}`);
    tokens.push({ kind: "word", text: word[0], at });
    i += word[0].length;
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly input: string) {}

  private peek() { return this.tokens[this.i]; }
  private next(expected: string): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new FilterError(`expected ${expected} at the end of "${this.input}"`);
    return t;
  }
  private fail(t: Token, expected: string): never {
    throw new FilterError(`expected ${expected} at position ${t.at + 1}, found "${t.text}"`);
  }

  /** `entity.key` or a bare attribute name. */
  identifier(): { entity: Entity; key: string } {
    const first = this.next("a field such as metrics.loss, params.lr, tags.team or status");
    if (first.kind !== "word" && first.kind !== "quoted") this.fail(first, "a field such as metrics.loss, params.lr or status");
    const dot = this.peek();
    if (first.kind === "word" && dot?.kind === "dot") {
      const entity = ENTITY_ALIASES[first.text.toLowerCase()];
      if (!entity) throw new FilterError(`unknown field type "${first.text}" at position ${first.at + 1}: use metrics., params., tags. or attributes.`);
      this.i++;
      const key = this.next("a key after the dot");
      if (key.kind !== "word" && key.kind !== "quoted" && key.kind !== "number") this.fail(key, "a key after the dot");
      // Keys may hold dots (metrics.val.loss): join the words until an operator.
      let text = key.text;
      while (key.kind === "word" && this.peek()?.kind === "dot" && this.tokens[this.i + 1]?.kind === "word") {
        this.i++;
        text += `.${this.next("a key").text}`;
      }
      return entity === "attribute" ? { entity, key: attributeName(text, key) } : { entity, key: text };
    }
    return { entity: "attribute", key: attributeName(first.text, first) };
  }

  value(): string | number {
    const t = this.next("a value");
    if (t.kind === "number") return Number(t.text);
    if (t.kind === "string" || t.kind === "quoted") return t.text;
    return this.fail(t, "a value ('text' or a number)");
  }

  clause(): Clause {
    const { entity, key } = this.identifier();
    const opTok = this.next("an operator (=, !=, <, <=, >, >=, LIKE, ILIKE)");
    let op: Op;
    if (opTok.kind === "op") op = opTok.text as Op;
    else if (opTok.kind === "word" && /^(like|ilike|in)$/i.test(opTok.text)) op = opTok.text.toUpperCase() as Op;
    else if (opTok.kind === "word" && /^not$/i.test(opTok.text) && /^in$/i.test(this.peek()?.text ?? "")) { this.i++; op = "NOT IN"; }
    else return this.fail(opTok, "an operator (=, !=, <, <=, >, >=, LIKE, ILIKE)");
    if (op === "IN" || op === "NOT IN") {
      if (entity !== "attribute" || (key !== "run_id" && key !== "status")) throw new FilterError(`${op} works on run_id and status only`);
      const open = this.next("(");
      if (open.kind !== "lparen") this.fail(open, "(");
      const values: string[] = [];
      for (;;) {
        values.push(String(this.value()));
        const sep = this.next(", or )");
        if (sep.kind === "rparen") break;
        if (sep.kind !== "comma") this.fail(sep, ", or )");
      }
      return { entity, key, op, value: values };
    }
    const value = this.value();
    const numeric = entity === "metric" || (entity === "attribute" && ATTRIBUTES[key as keyof typeof ATTRIBUTES] === "number");
    if (numeric) {
      if (!NUMERIC_OPS.includes(op)) throw new FilterError(`${entity === "metric" ? `metrics.${key}` : key} is a number: use =, !=, <, <=, > or >=`);
      if (typeof value !== "number") throw new FilterError(`${entity === "metric" ? `metrics.${key}` : key} is a number: compare it with a number, not '${value}'`);
    } else {
      if (!STRING_OPS.includes(op)) throw new FilterError(`${entity === "attribute" ? key : `${entity}s.${key}`} is text: use =, !=, LIKE or ILIKE (and quote the value)`);
      if (typeof value !== "string") throw new FilterError(`${entity === "attribute" ? key : `${entity}s.${key}`} is text: quote the value, e.g. '${value}'`);
    }
    return { entity, key, op, value };
  }

  filter(): Clause[] {
    const clauses = [this.clause()];
    while (this.peek()) {
      const and = this.next("and");
      if (and.kind !== "word" || and.text.toLowerCase() !== "and") this.fail(and, `"and" (clauses are joined with and)`);
      clauses.push(this.clause());
    }
    return clauses;
  }

  order(): OrderTerm {
    const { entity, key } = this.identifier();
    const dir = this.peek();
    let descending = false;
    if (dir) {
      if (dir.kind !== "word" || !/^(asc|desc)$/i.test(dir.text)) this.fail(dir, "ASC or DESC");
      descending = dir.text.toLowerCase() === "desc";
      this.i++;
    }
    if (this.peek()) this.fail(this.peek()!, "the end of the order term");
    return { entity, key, descending };
  }
}

function attributeName(text: string, t: Token): keyof typeof ATTRIBUTES {
  const name = ATTRIBUTE_ALIASES[text.toLowerCase()];
  if (!name) throw new FilterError(`unknown attribute "${text}" at position ${t.at + 1}: use status, run_name, run_id, start_time or end_time (or metrics./params./tags.)`);
  return name;
}

export function parseFilter(input: string): Clause[] {
  if (!input.trim()) return [];
  if (input.length > 5_000) throw new FilterError("the filter is longer than 5,000 characters");
  return new Parser(tokenize(input), input).filter();
}

/** `metrics.loss DESC`, `params.lr`, `start_time ASC`. */
export function parseOrderBy(input: string): OrderTerm {
  return new Parser(tokenize(input), input).order();
}
