// Creates or updates perfgate's sticky PR comment from the gate's artifact.
// Run by .github/workflows/perfgate-comment.yml through actions/github-script
// (workflow_run, with pull-requests: write) and by scripts/action-harness
// against a fake GitHub client.
//
// The artifact comes from a run of possibly untrusted code (a fork's PR), so
// nothing in it is executed and its PR number is trusted only when that PR's
// head is the commit the gate run measured (workflow_run.head_sha). The body
// is report.md as text, marked so the same comment is found and updated in
// place; only a comment by a bot that starts with the marker is ever edited.
'use strict';

const fs = require('fs');
const path = require('path');

const MARKER = '<!-- perfgate:report -->';
const LIMIT = 65000; // GitHub rejects bodies over 65 536 characters

// Returns {action: 'created'|'updated', id, number}, or {action: 'skipped'}
// when the gate run left no report (it failed before measuring: its log says
// why, and there is nothing to comment), or throws with a reason.
async function postStickyComment({ github, context, core, dir }) {
  const run = context.payload.workflow_run;
  if (!fs.existsSync(path.join(dir, 'pr.json')) || !fs.existsSync(path.join(dir, 'report.md'))) {
    core.info(`no perfgate report in ${dir}; no comment`);
    return { action: 'skipped' };
  }
  const pr = JSON.parse(fs.readFileSync(path.join(dir, 'pr.json'), 'utf8'));
  const number = Number(pr.number);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`pr.json names no pull request: ${JSON.stringify(pr.number)}`);
  const { data: pull } = await github.rest.pulls.get({ ...context.repo, pull_number: number });
  if (pull.head.sha !== run.head_sha) {
    throw new Error(`PR #${number} head ${pull.head.sha} is not the measured commit ${run.head_sha}`);
  }
  let body = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
  if (!body.startsWith(MARKER)) body = `${MARKER}\n${body}`;
  if (body.length > LIMIT) body = `${body.slice(0, LIMIT)}\n\n… (truncated; the full report is in the artifact)`;
  body += `\n\n[Workflow run and artifacts](${run.html_url})`;
  const comments = await github.paginate(github.rest.issues.listComments, {
    ...context.repo, issue_number: number, per_page: 100,
  });
  const mine = comments.find((c) => c.user && c.user.type === 'Bot' && typeof c.body === 'string' && c.body.startsWith(MARKER));
  if (mine) {
    await github.rest.issues.updateComment({ ...context.repo, comment_id: mine.id, body });
    core.info(`updated comment ${mine.id} on #${number}`);
    return { action: 'updated', id: mine.id, number };
  }
  const { data } = await github.rest.issues.createComment({ ...context.repo, issue_number: number, body });
  core.info(`created comment ${data.id} on #${number}`);
  return { action: 'created', id: data.id, number };
}

module.exports = { postStickyComment, MARKER };
