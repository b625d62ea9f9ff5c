import { randomInt } from "node:crypto";

const ADJECTIVES = ["amber", "bold", "brisk", "calm", "clever", "crisp", "dapper", "eager", "fancy", "gentle", "golden", "hardy", "jolly", "keen", "lucky", "merry", "nimble", "proud", "quiet", "rapid", "sage", "shiny", "stellar", "sunny", "swift", "tidy", "vivid", "warm", "witty", "zesty"];
const NOUNS = ["badger", "bee", "crane", "dolphin", "eagle", "falcon", "fox", "gecko", "hare", "heron", "ibis", "koala", "lark", "lynx", "marten", "newt", "otter", "owl", "panda", "quail", "raven", "seal", "shrike", "sparrow", "tern", "toad", "vole", "whale", "wren", "yak"];

/** A readable name for a run its client did not name (as MLflow and W&B do). */
export function runName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1000)}`;
}
