// The page's app: the real aws-amplify client in a browser, configured
// with the sandbox's amplify_outputs.json (inlined by browser-test.mjs as
// window.OUTPUTS). It subscribes, lists, creates, and records what
// happened in window.RESULT for the test to read.
import { Amplify } from "aws-amplify";
import { generateClient } from "aws-amplify/data";

const result = { created: null, listed: null, event: null, errors: [] };
window.RESULT = result;
Amplify.configure(window.OUTPUTS);
const client = generateClient({ authMode: "apiKey" });
const Message = client.models.message;

Message.onCreate().subscribe({
  next: (m) => { result.event = m; document.getElementById("event").textContent = m.body; },
  error: (e) => result.errors.push(JSON.stringify(e)),
});
setTimeout(async () => {
  const listed = await Message.list();
  result.listed = listed.data.map((m) => m.body);
  document.getElementById("list").textContent = result.listed.join(", ");
  const created = await Message.create({ body: "from the browser" });
  result.created = created.data && created.data.body;
  if (created.errors) result.errors.push(JSON.stringify(created.errors));
}, 1500);
