// `npm start`: the chat demo on http://localhost:3000 (PORT overrides).
import { startChat } from "./start.js";

const port = Number(process.env["PORT"] ?? 3000);
const chat = await startChat({ port });
console.log(`unio chat on http://localhost:${chat.port}/  (add ?transport=polling to force long-polling)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log("closing…");
    void chat.close().then(() => process.exit(0));
  });
}
