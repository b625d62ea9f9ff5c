import { describe, expect, it } from "vitest";
import { parseFilter, parseOrderBy } from "./run-filter";

describe("run filter language", () => {
  it("parses the documented example and MLflow's quoting", () => {
    expect(parseFilter("metrics.loss < 0.1 and params.lr = '0.01' and tags.team = 'nlp'")).toEqual([
      { entity: "metric", key: "loss", op: "<", value: 0.1 },
      { entity: "param", key: "lr", op: "=", value: "0.01" },
      { entity: "tag", key: "team", op: "=", value: "nlp" },
    ]);
    expect(parseFilter('tags."team-a" LIKE \'%nl%\' AND metrics.`val loss` >= -1e-3')).toEqual([
      { entity: "tag", key: "team-a", op: "LIKE", value: "%nl%" },
      { entity: "metric", key: "val loss", op: ">=", value: -0.001 },
    ]);
    expect(parseFilter("status = 'FINISHED' and attributes.start_time > 5 and run_id IN ('a', 'b')")).toEqual([
      { entity: "attribute", key: "status", op: "=", value: "FINISHED" },
      { entity: "attribute", key: "start_time", op: ">", value: 5 },
      { entity: "attribute", key: "run_id", op: "IN", value: ["a", "b"] },
    ]);
    expect(parseFilter("metrics.train.loss < 1")).toEqual([{ entity: "metric", key: "train.loss", op: "<", value: 1 }]);
    expect(parseFilter("  ")).toEqual([]);
  });

  it("says what is wrong and where", () => {
    expect(() => parseFilter("metrics.loss <")).toThrow(/expected a value at the end/);
    expect(() => parseFilter("metrics.loss < 'low'")).toThrow(/metrics.loss is a number/);
    expect(() => parseFilter("params.lr > '0.1'")).toThrow(/params.lr is text: use =, !=, LIKE or ILIKE/);
    expect(() => parseFilter("params.lr = 0.1")).toThrow(/quote the value, e.g. '0.1'/);
    expect(() => parseFilter("metric.loss < 1 or params.a = 'b'")).toThrow(/"and" \(clauses are joined with and\) at position 17/);
    expect(() => parseFilter("foo.bar = 'x'")).toThrow(/unknown field type "foo"/);
    expect(() => parseFilter("colour = 'red'")).toThrow(/unknown attribute "colour"/);
    expect(() => parseFilter("tags.team = 'nlp")).toThrow(/unclosed ' starting at position 13/);
  });

  it("parses order terms", () => {
    expect(parseOrderBy("metrics.loss DESC")).toEqual({ entity: "metric", key: "loss", descending: true });
    expect(parseOrderBy("start_time")).toEqual({ entity: "attribute", key: "start_time", descending: false });
    expect(() => parseOrderBy("metrics.loss sideways")).toThrow(/ASC or DESC/);
  });
});
