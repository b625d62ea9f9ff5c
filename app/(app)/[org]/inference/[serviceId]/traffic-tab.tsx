import { AbPanel } from "@/components/traffic/ab-panel";
import { MonitoringPanel } from "@/components/traffic/monitoring-panel";
import { RolloutPanel } from "@/components/traffic/rollout-panel";
import { ScalingPanel } from "@/components/traffic/scaling-panel";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { serverApi } from "@/server/api/rsc";

type Service = Awaited<ReturnType<Awaited<ReturnType<typeof serverApi>>["inference"]["get"]>>;

/** The service page's traffic sections: each loads only what it shows. */
export async function TrafficTab({ tab, org, service: s, versions, canEdit }: { tab: "rollouts" | "ab" | "scaling" | "monitoring"; org: string; service: Service; versions: string[]; canEdit: boolean }) {
  const api = await serverApi();
  const card = (title: string, description: string, body: React.ReactNode) => (
    <Card><CardHeader><CardTitle className="text-base">{title}</CardTitle><CardDescription>{description}</CardDescription></CardHeader><CardContent>{body}</CardContent></Card>
  );
  if (tab === "rollouts") {
    const history = await api.traffic.rollouts({ org, serviceId: s.id });
    const current = history[0] ? await api.traffic.rollout({ org, serviceId: s.id, rolloutId: history[0].id }) : null;
    // The newest version of the model the service serves comes first: the likely candidate.
    const served = s.variants.find((v) => v.model)?.model?.name;
    const byLikelihood = [...versions].sort((a, b) => Number(b.startsWith(`${served}@`)) - Number(a.startsWith(`${served}@`)) || Number(b.split("@")[1]) - Number(a.split("@")[1]));
    return card("Rollouts", "Move traffic from the variant serving now to a candidate in steps, each analysed against the SLO; a breach rolls back by itself, with the reason.",
      <RolloutPanel org={org} serviceId={s.id} backend={s.backend} current={current} history={history} variants={s.variants} versions={byLikelihood} canEdit={canEdit} />);
  }
  if (tab === "ab") {
    const ab = await api.traffic.analysis({ org, serviceId: s.id });
    return card("A/B test", "Each variant against the baseline, with significance and the sample size still needed.", <AbPanel org={org} serviceId={s.id} ab={ab} canEdit={canEdit} />);
  }
  if (tab === "scaling") {
    const events = await api.traffic.scaling({ org, serviceId: s.id });
    return card("Autoscaling", "Replicas follow a load signal vLLM reports, as Kubernetes' HPA does, with stabilisation windows; every decision is kept with its reason.",
      // Keyed by the policy: a saved change remounts the form with what was saved (its switch included).
      <ScalingPanel key={JSON.stringify(s.autoscaling)} org={org} serviceId={s.id} backend={s.backend} policy={s.autoscaling} events={events} now={Date.now()} canEdit={canEdit} />);
  }
  const [alerts, drift] = await Promise.all([api.traffic.alerts({ org, serviceId: s.id }), api.traffic.drift({ org, serviceId: s.id })]);
  return card("Monitoring", "Alerts on the SLO, drift and rollbacks; drift per variant.",
    <MonitoringPanel org={org} serviceId={s.id} alerts={alerts} drift={drift} settings={{ slo: s.slo, sticky: s.sticky, alertWebhook: s.alertWebhook }} canEdit={canEdit} />);
}
