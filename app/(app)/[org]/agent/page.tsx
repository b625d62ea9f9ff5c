import { NotBuiltYet } from "@/components/shell/not-built-yet";

export const metadata = { title: "Agent" };

export default function AgentPage() {
  return <NotBuiltYet title="Agent" summary="Let AI agents train, deploy and evaluate through typed tools." planned={[
    "GET /api/v1/agent/tools and POST /api/v1/agent/execute with JSON-Schema tool inputs",
    "An MCP server exposing the same tools",
    "A console to fill a tool's form or describe a request in plain language and review the proposed calls",
  ]} />;
}
