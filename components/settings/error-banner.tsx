import { Alert, AlertDescription } from "@/components/ui/alert";

export function ErrorBanner({ message }: { message?: string }) {
  if (!message) return null;
  return <Alert variant="destructive" role="alert" className="mb-4"><AlertDescription>{message}</AlertDescription></Alert>;
}
