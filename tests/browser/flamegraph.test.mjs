// Drives perfgate's flame graph SVGs in headless Chromium (Debian's
// /usr/bin/chromium) with playwright-core: hover details, search with
// highlight and matched %, click to zoom, reset, hostile names inert, the
// differential graph's colours and vanished list. Screenshots go to OUT_DIR.
//
// usage: node flamegraph.test.mjs FLAME.svg FOLDED DIFF.svg OUT_DIR
// Exits 1 with the failed check on stderr.

import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [flameSvg, foldedPath, diffSvg, outDir] = process.argv.slice(2);
const chromiumPath = process.env.PERFGATE_CHROMIUM || '/usr/bin/chromium';
const SEARCH_FILL = 'rgb(230,0,230)';
const SPAN_PX = 1180; // 1200 px wide, 10 px pad each side
let checks = 0;

function check(ok, what) {
  if (!ok) throw new Error(`check failed: ${what}`);
  checks++;
}

// The expected matched share, computed from the folded input independently of
// the SVG: the weight of stacks with a matching frame over the total.
function matchedPercent(folded, re) {
  let total = 0, hit = 0;
  for (const line of folded.split('\n')) {
    if (!line.trim()) continue;
    const sp = line.lastIndexOf(' ');
    const count = Number(line.slice(sp + 1));
    const names = line.slice(0, sp).split(';').map((n) => n.replace(/_\[[ki]\]$/, ''));
    total += count;
    if (names.some((n) => re.test(n))) hit += count;
  }
  return (100 * hit / total).toFixed(1);
}

// Frame geometry as the page has it now, by name (the <title>'s first line);
// of several frames of one name, the widest.
async function frame(page, name) {
  return page.evaluate((name) => {
    const all = [...document.querySelectorAll('#frames > g')]
      .filter((g) => g.querySelector('title').textContent.split('\n')[0] === name)
      .sort((a, b) => b.getAttribute('data-w') - a.getAttribute('data-w'));
    for (const g of all) {
      const r = g.querySelector('rect');
      const box = r.getBoundingClientRect();
      return {
        x: +r.getAttribute('x'), width: +r.getAttribute('width'), fill: r.getAttribute('fill'),
        visible: getComputedStyle(g).display !== 'none', classes: g.getAttribute('class'),
        label: g.querySelector('text') ? g.querySelector('text').textContent : '',
        cx: box.x + box.width / 2, cy: box.y + box.height / 2,
      };
    }
    return null;
  }, name);
}

// A viewport the size of the SVG, then a plain screenshot: playwright's
// fullPage mode never finishes on a bare SVG document.
async function shoot(page, file) {
  const height = await page.evaluate(() => Math.ceil(+document.documentElement.getAttribute('height')));
  await page.setViewportSize({ width: 1200, height });
  await page.screenshot({ path: join(outDir, file) });
}

const text = (page, id) => page.evaluate((id) => document.getElementById(id).textContent, id);

const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 560 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  // Self-contained: the page may load nothing but the SVG file itself.
  page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`); });
  let promptAnswer = null;
  page.on('dialog', async (d) => {
    if (d.type() === 'prompt' && promptAnswer !== null) return d.accept(promptAnswer);
    problems.push(`unexpected ${d.type()} dialog: ${d.message()}`); // e.g. an injected alert()
    return d.dismiss();
  });

  const url = pathToFileURL(flameSvg).href;
  await page.goto(url);
  const folded = readFileSync(foldedPath, 'utf8');

  // Hostile names are inert text: one script (ours), no <img>, the names intact.
  const dom = await page.evaluate(() => ({
    scripts: document.getElementsByTagName('script').length,
    imgs: document.getElementsByTagName('img').length,
    titles: [...document.querySelectorAll('#frames > g > title')].map((t) => t.textContent.split('\n')[0]),
  }));
  check(dom.scripts === 1, `exactly one <script>, got ${dom.scripts}`);
  check(dom.imgs === 0, 'no <img> element from a symbol name');
  check(dom.titles.includes('operator|<img src=x onerror=alert(1)>'), 'hostile <img> name shown as text');
  check(dom.titles.includes('</script><script>alert(1)</script>'), 'hostile </script> name shown as text');

  // Hover: the details line names the function, its samples and share.
  const get = await frame(page, 'lru_get');
  check(get && get.visible, 'lru_get is drawn');
  await page.mouse.move(get.cx, get.cy);
  const details = await text(page, 'details');
  check(/^lru_get — 600 samples \(23\.53%\)/.test(details), `hover details: "${details}"`);

  // Search (regular expression) through the Search button's prompt.
  promptAnswer = '^lru_(get|put)$';
  await page.click('#search');
  check((await text(page, 'matched')) === `Matched: ${matchedPercent(folded, /^lru_(get|put)$/)}%`,
        `matched % for the regex: "${await text(page, 'matched')}"`);
  check((await frame(page, 'lru_get')).fill === SEARCH_FILL, 'lru_get highlighted');
  check((await frame(page, 'lru_put')).fill === SEARCH_FILL, 'lru_put highlighted');
  check((await frame(page, 'lru_serve')).fill !== SEARCH_FILL, 'lru_serve not highlighted');
  check((await text(page, 'search')) === 'Reset Search', 'search button offers a reset');
  await shoot(page, 'flamegraph-search.png');

  // Reset the search, then a term that is not a valid regex: plain substring.
  await page.click('#search');
  check((await text(page, 'matched')).trim() === '', 'matched cleared on reset');
  check((await frame(page, 'lru_get')).fill !== SEARCH_FILL, 'highlight removed on reset');
  promptAnswer = 'operator|<img';
  await page.click('#search');
  check((await frame(page, 'operator|<img src=x onerror=alert(1)>')).fill === SEARCH_FILL, 'substring search of an invalid regex');
  await page.click('#search');

  // "ic": case-insensitive, re-applied to the current term at once.
  promptAnswer = 'LRU_GET';
  await page.click('#search');
  check((await frame(page, 'lru_get')).fill !== SEARCH_FILL, 'search is case-sensitive by default');
  await page.click('#ignorecase');
  check((await frame(page, 'lru_get')).fill === SEARCH_FILL, '"ic" makes the search case-insensitive');
  check((await text(page, 'matched')) === `Matched: ${matchedPercent(folded, /LRU_GET/i)}%`, 'matched % with ic');
  await page.click('#ignorecase');
  await page.click('#search');
  promptAnswer = null;

  // Click to zoom: the clicked frame fills the width, its children scale, others hide.
  const serveBefore = await frame(page, 'lru_serve');
  const putBefore = await frame(page, 'lru_put');
  check(!(await page.isVisible('#unzoom')), 'Reset Zoom hidden before zooming');
  await page.mouse.click(serveBefore.cx, serveBefore.cy);
  const serve = await frame(page, 'lru_serve');
  check(Math.abs(serve.x - 10) < 0.01 && Math.abs(serve.width - SPAN_PX) < 0.01,
        `zoomed frame fills the width: x=${serve.x} width=${serve.width}`);
  const put = await frame(page, 'lru_put');
  check(Math.abs(put.width - SPAN_PX * 400 / 1090) < 0.05, `child scaled with the zoom: ${put.width}`);
  check(put.label === 'lru_put', 'child label re-fitted after zoom');
  check(!(await frame(page, 'compress_chunk')).visible, 'a frame outside the zoomed one is hidden');
  const run = await frame(page, 'perfgate::workloads::run');
  check(run.visible && run.classes.includes('parent') && Math.abs(run.width - SPAN_PX) < 0.01, 'ancestors stay, full width, faded');
  check(await page.isVisible('#unzoom'), 'Reset Zoom shown while zoomed');
  await shoot(page, 'flamegraph-zoom.png');

  await page.click('#unzoom');
  const putAfter = await frame(page, 'lru_put');
  check(Math.abs(putAfter.width - putBefore.width) < 0.01 && Math.abs(putAfter.x - putBefore.x) < 0.01, 'reset zoom restores geometry');
  check((await frame(page, 'compress_chunk')).visible, 'reset zoom shows every frame again');
  check(!(await page.isVisible('#unzoom')), 'Reset Zoom hidden again');

  // ?s= in the URL searches on load.
  await page.goto(`${url}?s=crypto_`);
  check((await text(page, 'matched')) === `Matched: ${matchedPercent(folded, /crypto_/)}%`, 'URL search on load');
  await page.goto(url);
  await shoot(page, 'flamegraph.png');

  // Differential: head's graph, red grew, blue shrank, vanished listed.
  await page.goto(pathToFileURL(diffSvg).href);
  const grew = await frame(page, 'crypto_hash_sha256');
  const shrank = await frame(page, 'ZSTD_compressBlock_doubleFast');
  const rgb = (s) => s.match(/\d+/g).map(Number);
  // crypto_hash_sha256 under lru_get is new in head (the largest growth): deep red.
  check(grew && rgb(grew.fill)[0] === 255 && rgb(grew.fill)[2] < 60, `grown frame is red: ${grew && grew.fill}`);
  check(shrank && rgb(shrank.fill)[2] === 255 && rgb(shrank.fill)[0] < 200, `shrunk frame is blue: ${shrank && shrank.fill}`);
  const same = await frame(page, 'evict_oldest');
  check(same && rgb(same.fill)[0] === 255 && rgb(same.fill)[1] > 150, `a frame whose share rose a little is pale red: ${same && same.fill}`);
  check((await frame(page, 'XXH3_64bits')) === null, 'vanished frame not drawn');
  const notes = await page.evaluate(() => [...document.querySelectorAll('text.note')].map((t) => t.textContent).join('\n'));
  check(/Vanished in head/.test(notes) && /lru_get;XXH3_64bits/.test(notes), 'vanished paths listed under the graph');
  await page.mouse.move(grew.cx, grew.cy);
  check(/base: .* head: .* change: \+/.test(await text(page, 'details')), 'diff tooltip has both counts and the change');
  await shoot(page, 'flamegraph-diff.png');

  check(problems.length === 0, problems.join('; '));
  console.log(`flamegraph browser test: ${checks} checks passed; screenshots in ${outDir}`);
} catch (e) {
  console.error(e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
