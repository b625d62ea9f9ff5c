"use server";

import { redirect } from "next/navigation";
import { serverApi } from "@/server/api/rsc";

export async function deleteExperimentAction(org: string, experimentId: string): Promise<void> {
  await (await serverApi()).experiments.delete({ org, experimentId });
  redirect(`/${org}/experiments`);
}

export async function restoreExperimentAction(org: string, experimentId: string): Promise<void> {
  await (await serverApi()).experiments.restore({ org, experimentId });
  redirect(`/${org}/experiments/${experimentId}`);
}
