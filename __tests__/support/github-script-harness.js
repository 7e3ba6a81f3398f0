// Runs an actions/github-script `script` the way the action does (an async
// function of require, github, context and core), against a fake GitHub API.
// Reads {script, comments, writeFails, pullRequest, repository} as JSON on
// stdin; prints what the script did as JSON on stdout.
const fs = require("fs");

const spec = JSON.parse(fs.readFileSync(0, "utf8"));
const calls = [];
const warnings = [];
const summaries = [];
const write = (kind) => async (params) => {
  calls.push({ kind, ...params });
  if (spec.writeFails) throw Object.assign(new Error(`HTTP ${spec.writeFails}`), { status: spec.writeFails });
  return { data: {} };
};
const github = {
  paginate: async (method, params) => {
    if (method !== github.rest.issues.listComments) throw new Error("the fake paginates listComments only");
    calls.push({ kind: "list", ...params });
    return spec.comments;
  },
  rest: { issues: { listComments: () => undefined, updateComment: write("update"), createComment: write("create") } },
};
const context = {
  repo: { owner: "acme", repo: "crdr" },
  issue: { number: 7 },
  payload: { pull_request: spec.pullRequest, repository: spec.repository },
};
const core = {
  warning: (message) => warnings.push(message),
  summary: {
    addRaw(text) {
      summaries.push(text);
      return this;
    },
    async write() {
      return this;
    },
  },
};
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
new AsyncFunction("require", "github", "context", "core", spec.script)(require, github, context, core).then(
  () => process.stdout.write(JSON.stringify({ ok: true, calls, warnings, summaries })),
  (err) =>
    process.stdout.write(JSON.stringify({ ok: false, error: String(err && err.message), calls, warnings, summaries })),
);
