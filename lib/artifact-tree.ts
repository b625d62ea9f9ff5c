export interface ArtifactFile { path: string; size: number; contentType: string }
export interface ArtifactFolder { name: string; path: string; size: number; files: number; folders: ArtifactFolder[]; items: (ArtifactFile & { name: string })[] }

/**
 * A run's flat artifact paths as a folder tree: folders first then files, each sorted by name;
 * every folder carries its total size and file count so a collapsed folder still says what is in it.
 */
export function buildArtifactTree(artifacts: ArtifactFile[]): ArtifactFolder {
  const root: ArtifactFolder = { name: "", path: "", size: 0, files: 0, folders: [], items: [] };
  for (const a of artifacts) {
    const parts = a.path.split("/");
    let folder = root;
    folder.size += a.size;
    folder.files += 1;
    for (const [i, name] of parts.slice(0, -1).entries()) {
      let child = folder.folders.find((f) => f.name === name);
      if (!child) {
        child = { name, path: parts.slice(0, i + 1).join("/"), size: 0, files: 0, folders: [], items: [] };
        folder.folders.push(child);
      }
      child.size += a.size;
      child.files += 1;
      folder = child;
    }
    folder.items.push({ ...a, name: parts[parts.length - 1] });
  }
  const sort = (f: ArtifactFolder) => {
    f.folders.sort((a, b) => a.name.localeCompare(b.name));
    f.items.sort((a, b) => a.name.localeCompare(b.name));
    f.folders.forEach(sort);
  };
  sort(root);
  return root;
}
