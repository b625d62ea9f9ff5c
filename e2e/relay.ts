import net from "node:net";

/** A TCP relay to the app that the test can take down and bring back (the "server restart"). */
export function relay(target: number) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  const open = (port: number) => new Promise<number>((resolve) => {
    server = net.createServer((client) => {
      const upstream = net.connect(target, "127.0.0.1");
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => { client.destroy(); upstream.destroy(); };
      client.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
    });
    server.listen(port, "127.0.0.1", () => resolve((server!.address() as net.AddressInfo).port));
  });
  const close = () => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    sockets.clear();
    server!.close(() => resolve());
  });
  return { open, close };
}
