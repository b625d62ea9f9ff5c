import { describe, expect, it } from "vitest";
import { buildArtifactTree } from "./artifact-tree";

const file = (path: string, size: number) => ({ path, size, contentType: "application/octet-stream" });

describe("buildArtifactTree", () => {
  it("nests paths into folders with totals, folders before files, sorted by name", () => {
    const tree = buildArtifactTree([file("model/weights.bin", 100), file("report.json", 5), file("model/config/a.yaml", 7), file("checkpoints/1.pt", 50), file("model/README", 1)]);
    expect(tree.size).toBe(163);
    expect(tree.files).toBe(5);
    expect(tree.folders.map((f) => f.name)).toEqual(["checkpoints", "model"]);
    expect(tree.items.map((f) => f.name)).toEqual(["report.json"]);
    const model = tree.folders[1];
    expect(model).toMatchObject({ path: "model", size: 108, files: 3 });
    expect(model.folders[0]).toMatchObject({ name: "config", path: "model/config", size: 7, files: 1 });
    expect(model.items.map((f) => [f.name, f.path])).toEqual([["README", "model/README"], ["weights.bin", "model/weights.bin"]]);
  });

  it("is an empty root for no artifacts", () => {
    expect(buildArtifactTree([])).toEqual({ name: "", path: "", size: 0, files: 0, folders: [], items: [] });
  });
});
