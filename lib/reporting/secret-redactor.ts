import { urlCredentials } from "../aiven/aiven-client";
import { TOKEN_VARIABLES } from "../aiven/token-variables";
import { redactor } from "./reporter";

/** Redacts the token, and the credentials in AIVEN_WEB_URL (as secret as the token), from any text. */
export function secretRedactor(env: NodeJS.ProcessEnv): (text: string) => string {
  return redactor([...TOKEN_VARIABLES.map((v) => env[v]), ...urlCredentials(env.AIVEN_WEB_URL)]);
}
