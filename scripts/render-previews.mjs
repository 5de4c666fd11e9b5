// Renders the README's notification screenshots (docs/images/email.png, docs/images/slack.png)
// from a real outbox: the e-mail's HTML part as a mail client shows it, and the Slack Block Kit
// body laid out the way Slack draws it. Needs a build (`npm run build`) and Chromium
// (`/usr/bin/chromium`, or CHROMIUM=path). Run: node scripts/render-previews.mjs
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { chromium } from 'playwright-core';

const cli = ['dist/cli/main.js'];
const work = mkdtempSync(join(tmpdir(), 'firebreak-previews-'));
const outbox = join(work, 'outbox');
const samples = execFileSync(process.execPath, [...cli, 'samples', '--type', 'UnauthorizedAccess:EC2/SSHBruteForce', '--account', '111122223333']);
execFileSync(process.execPath, [...cli, 'triage', '--outbox', outbox, '--channel', 'email', 'slack', '--format', 'json'], { input: samples, stdio: ['pipe', 'ignore', 'inherit'] });
const first = (dir) => join(outbox, dir, readdirSync(join(outbox, dir))[0]);

const EMOJI = { ':rotating_light:': '🚨', ':red_circle:': '🔴', ':large_orange_circle:': '🟠', ':large_blue_circle:': '🔵', ':white_circle:': '⚪' };
const html = (s) => s.replace(/&(?!amp;|lt;|gt;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack mrkdwn (already &<>-escaped by firebreak) to HTML. */
function mrkdwn(text) {
  const blocks = text.split(/```/);
  return blocks
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${part}</pre>`;
      return part
        .replace(/&lt;(https?:[^|&]+)\|([^&]+)&gt;/g, '<a>$2</a>')
        .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '<a>$2</a>')
        .replace(/`([^`]+)`/g, '<code>$1</code>')
        .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
        .replace(/(^|\s)_([^_\n]+)_/g, '$1<i>$2</i>')
        .replace(/:[a-z_]+:/g, (m) => EMOJI[m] ?? m)
        .replace(/\n/g, '<br>');
    })
    .join('');
}

function slackHtml(message) {
  const parts = message.blocks.map((b) => {
    if (b.type === 'header') return `<div class="header">${html(b.text.text)}</div>`;
    if (b.type === 'context') return `<div class="context">${b.elements.map((e) => mrkdwn(e.text)).join(' ')}</div>`;
    if (b.type === 'section' && b.fields) return `<div class="fields">${b.fields.map((f) => `<div>${mrkdwn(f.text)}</div>`).join('')}</div>`;
    if (b.type === 'section') return `<div class="section">${mrkdwn(b.text.text)}</div>`;
    if (b.type === 'actions') return `<div class="actions">${b.elements.map((e) => `<span class="button ${e.style ?? ''}">${html(e.text.text)}</span>`).join('')}</div>`;
    return '';
  });
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><style>
    body { margin: 0; background: #fff; font: 15px/1.46668 -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif; color: #1d1c1d; }
    .msg { display: flex; padding: 16px 20px; width: 760px; }
    .avatar { width: 36px; height: 36px; border-radius: 6px; background: #b3261e; color: #fff; font-weight: 700; display: flex; align-items: center; justify-content: center; margin-right: 10px; flex: none; }
    .name { font-weight: 900; } .app { background: #e8e8e8; color: #616061; font-size: 10px; padding: 1px 3px; border-radius: 2px; margin-left: 4px; font-weight: 700; } .time { color: #616061; font-size: 12px; margin-left: 6px; }
    .header { font-size: 18px; font-weight: 900; margin: 6px 0 4px; } .context { color: #616061; font-size: 13px; margin: 4px 0; }
    .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; margin: 8px 0; } .section { margin: 8px 0; }
    code { font: 12px Menlo, Monaco, Consolas, 'DejaVu Sans Mono', monospace; color: #c01343; background: #f6f6f6; border: 1px solid #e0e0e0; border-radius: 3px; padding: 1px 3px; }
    pre { font: 12px/1.5 Menlo, Monaco, Consolas, 'DejaVu Sans Mono', monospace; background: #f8f8f8; border: 1px solid #e0e0e0; border-radius: 4px; padding: 8px; white-space: pre-wrap; word-break: break-all; margin: 4px 0; }
    a { color: #1264a3; } .actions { margin: 10px 0 6px; } .button { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 4px 12px; font-weight: 700; font-size: 13px; margin-right: 8px; } .button.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
  </style></head><body><div class="msg"><div class="avatar">fb</div><div><span class="name">firebreak</span><span class="app">APP</span><span class="time">10:31 AM</span>${parts.join('')}</div></div></body></html>`;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  mkdirSync('docs/images', { recursive: true });
  const page = await browser.newPage({ viewport: { width: 800, height: 600 }, deviceScaleFactor: 1 });
  const mail = await simpleParser(readFileSync(first('email')));
  await page.setContent(`<div style="font:13px sans-serif;padding:10px 16px;border-bottom:1px solid #ddd;background:#fafafa"><b>${html(mail.subject ?? '')}</b><br>From: ${html(mail.from?.text ?? '')} &nbsp; To: ${html(mail.to?.text ?? '')}</div>${mail.html}`);
  await page.screenshot({ path: 'docs/images/email.png', fullPage: true, type: 'png' });
  const message = JSON.parse(readFileSync(first('slack'), 'utf8'));
  await page.setContent(slackHtml(message));
  await page.screenshot({ path: 'docs/images/slack.png', fullPage: true, type: 'png' });
  process.stdout.write('wrote docs/images/email.png and docs/images/slack.png\n');
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
