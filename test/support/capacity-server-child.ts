/** The child process of `capacityServerProcess`: runs a capacity server and answers over IPC. */
import { capacityServer } from "./capacity-server.js";

const server = await capacityServer(JSON.parse(process.env.CAPACITY_OPTIONS ?? "{}"));
process.on("message", (message: { throttleAll?: boolean; stats?: boolean }) => {
  if (message.throttleAll !== undefined) server.throttleAll = message.throttleAll;
  if (message.stats) {
    process.send!({
      stats: {
        elapsed: server.elapsed(),
        slots: server.slots,
        admitted: server.admitted,
        throttled: server.throttled,
      },
    });
  }
});
process.on("disconnect", () => void server.stop().then(() => process.exit(0)));
process.send!({ endpoint: server.endpoint });
