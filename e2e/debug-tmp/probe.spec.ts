import { test } from "@playwright/test";
import { ADMIN, signIn } from "../fixtures";

test("probe", async ({ page }) => {
  test.setTimeout(60_000);
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${org}/training/new`);
  await page.getByRole("button", { name: "Submit job" }).click();
  await page.waitForURL(/training\/[0-9a-f-]{36}$/);
  const t0 = Date.now();
  const rows: string[] = [];
  while (Date.now() - t0 < 14_000) {
    const r = await page.evaluate(() => {
      const fig = [...document.querySelectorAll("[data-testid=run-metrics] figure")].find((f) => f.textContent?.startsWith("loss"));
      const paths = fig ? [...fig.querySelectorAll("path.recharts-curve")].map((p) => `${p.getAttribute("class")?.replace("recharts-curve ", "")}:${p.getAttribute("d")?.length}`) : [];
      const pre = document.querySelector("pre[data-testid=run-logs]") as HTMLPreElement;
      const lines = (pre?.textContent ?? "").split("\n").filter((l) => l.startsWith("epoch")).length;
      return `${document.querySelector("[data-testid=run-status]")?.textContent} lines=${lines} scroll=${pre?.scrollTop}/${pre?.scrollHeight}/${pre?.clientHeight} ${paths.join(" ")}`;
    });
    rows.push(`${Date.now() - t0}ms ${r}`);
    await new Promise((res) => setTimeout(res, 250));
  }
  console.log(rows.join("\n"));
});
