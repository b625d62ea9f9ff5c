"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Progress } from "@/components/ui/progress";
import { Select } from "@/components/ui/select";

/**
 * Streams the file to POST /api/v1/datasets (the browser sends it as the body; the server parses
 * it on the way to storage), with the bytes sent shown as they go.
 */
export function UploadDatasetForm({ org, name: fixedName }: { org: string; name?: string }) {
  const router = useRouter();
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return setError("Choose a CSV or JSONL file");
    const name = (fixedName ?? String(form.get("name") ?? "")).trim() || file.name.replace(/\.[^.]+$/, "");
    const query = new URLSearchParams({ org, name, type: String(form.get("type") ?? "training"), domain: String(form.get("domain") ?? ""), filename: file.name });
    setError(null);
    setDone(null);
    setProgress(0);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", `/api/v1/datasets?${query}`);
    xhr.setRequestHeader("content-type", file.type || "application/octet-stream");
    xhr.upload.onprogress = (ev) => { if (ev.lengthComputable) setProgress(ev.loaded / ev.total); };
    xhr.onload = () => {
      setProgress(null);
      const body = (() => { try { return JSON.parse(xhr.responseText); } catch { return null; } })();
      if (xhr.status >= 400) return setError(body?.error?.message ?? `The upload failed (${xhr.status})`);
      setDone(body.created ? `Version ${body.version.version} of “${body.dataset.name}”: ${body.version.rows.toLocaleString("en")} rows.` : `These bytes are already version ${body.version.version} of “${body.dataset.name}”: no new version.`);
      router.push(`/${org}/datasets/${body.dataset.id}?v=${body.version.version}`);
      router.refresh();
    };
    xhr.onerror = () => { setProgress(null); setError("The connection was lost; nothing was kept. Try again."); };
    xhr.send(file);
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-3" data-testid="upload-dataset">
      {error ? <Alert variant="destructive" role="alert"><AlertDescription>{error}</AlertDescription></Alert> : null}
      {done ? <Alert variant="success"><AlertDescription>{done}</AlertDescription></Alert> : null}
      <div className="grid gap-3 sm:grid-cols-4">
        <div className="flex flex-col gap-1.5 sm:col-span-2">
          <Label htmlFor="dataset-file">File (CSV with a header row, or JSON Lines)</Label>
          <Input id="dataset-file" name="file" type="file" accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson" required />
        </div>
        {fixedName ? null : (
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="dataset-name">Name</Label>
            <Input id="dataset-name" name="name" placeholder="the file's name" />
          </div>
        )}
        {fixedName ? null : (
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="dataset-type">Type</Label>
            <Select id="dataset-type" name="type" defaultValue="training">
              {["training", "validation", "test", "other"].map((t) => <option key={t} value={t}>{t}</option>)}
            </Select>
          </div>
        )}
        {fixedName ? null : (
          <div className="flex flex-col gap-1.5">
            <Label htmlFor="dataset-domain">Domain</Label>
            <Input id="dataset-domain" name="domain" placeholder="e.g. botany" />
          </div>
        )}
      </div>
      {progress !== null ? <Progress value={Math.round(progress * 100)} label="Upload progress" /> : null}
      <div><Button type="submit" disabled={progress !== null}>{progress !== null ? `Uploading… ${Math.round(progress * 100)} %` : fixedName ? "Upload a new version" : "Upload dataset"}</Button></div>
    </form>
  );
}
