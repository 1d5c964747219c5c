// Drives the real aws-amplify v6 data client against a Quarry sandbox that
// enforces auth rules (internal/cli/authz_e2e_test.go): Amplify.configure()
// with the sandbox's amplify_outputs.json (argv[2]) and a token provider
// that hands out the user-pool token in argv[3], as a signed-in app does.
// argv[4] is another user's token, sent per call. Prints one JSON line with
// what each call returned; the Go test checks it.
import { readFileSync } from "node:fs";
import { Amplify } from "aws-amplify";
import { decodeJWT } from "@aws-amplify/core";
import { generateClient } from "aws-amplify/data";

const [outputsPath, aliceToken, bobToken] = process.argv.slice(2);
Amplify.configure(JSON.parse(readFileSync(outputsPath, "utf8")), {
  Auth: { tokenProvider: { getTokens: async () => ({ accessToken: decodeJWT(aliceToken) }) } },
});
const client = generateClient({ authMode: "userPool" });
const Note = client.models.note;
const out = {};

out.create = await Note.create({ title: "from the client", secret: "mine" });
out.list = await Note.list();
out.keyList = await Note.list({ authMode: "apiKey", selectionSet: ["id", "secret"] });
const id = out.create.data && out.create.data.id;
// Another user's token, sent as the Authorization header of one call.
out.bobUpdate = await Note.update({ id, title: "bob was here" }, { authMode: "lambda", authToken: bobToken });
out.bobGet = await Note.get({ id }, { authMode: "lambda", authToken: bobToken });
out.handOver = await Note.update({ id, owner: "bob" });
console.log(JSON.stringify(out));
