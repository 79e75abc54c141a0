import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { escapeHtml } from "../core/render-text.js";
import type { KnowledgeBase, PolicyDoc } from "../knowledge/types.js";

/** The package's own page files (plain HTML, CSS, JS): `web/` at the package root, from src/web or dist/web alike. */
export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "web");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export interface Asset {
  type: string;
  body: Buffer;
}

/**
 * Every file the pages need, read once at start: `web/**` by path ("chat.html",
 * "assets/chat.js", …) plus the charting library from node_modules as
 * "assets/vendor/chart.umd.min.js". Nothing comes from another site.
 */
export async function loadAssets(dir = WEB_DIR): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && TYPES[extname(e.name)] !== undefined);
  for (const file of files) {
    const path = join(file.parentPath, file.name);
    assets.set(relative(dir, path).split(sep).join("/"), { type: TYPES[extname(file.name)]!, body: await readFile(path) });
  }
  const require = createRequire(import.meta.url);
  const chartDir = dirname(require.resolve("chart.js"));
  assets.set("assets/vendor/chart.umd.min.js", { type: TYPES[".js"]!, body: await readFile(join(chartDir, "chart.umd.min.js")) });
  return assets;
}

export { escapeHtml };

/** The element id of an article on its policy page: the article key (`第八条`), spaces as "_". The chat page links with the same rule. */
export function articleAnchor(key: string): string {
  return key.replace(/\s+/g, "_");
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/site.css">
</head>
<body class="policy">
<a class="skip-link" href="#content">跳到正文</a>
<header class="site-header"><a href="/">← 返回咨询</a> · <a href="/policies">政策文件</a></header>
<main id="content" tabindex="-1">
${body}
</main>
</body>
</html>
`;
}

function paragraphs(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join("\n");
}

/** A policy document with one section per article, each with its key as id: `/policies/<doc>#第八条` lands on it. */
export function policyPage(doc: PolicyDoc): string {
  const meta = [doc.issuer, doc.issued]
    .filter((v): v is string => Boolean(v))
    .map(escapeHtml)
    .join(" · ");
  const toc = doc.articles.map((a) => `<li><a href="#${escapeHtml(encodeURIComponent(articleAnchor(a.key)))}">${escapeHtml(a.key === a.title ? a.key : `${a.key} ${a.title}`)}</a></li>`).join("\n");
  const articles = doc.articles
    .map((a) => {
      const id = articleAnchor(a.key);
      const heading = a.key === a.title ? a.key : `${a.key} ${a.title}`;
      return `<section class="article" id="${escapeHtml(id)}" tabindex="-1">
<h2>${escapeHtml(heading)} <a class="anchor" href="#${escapeHtml(encodeURIComponent(id))}" aria-label="本条链接">#</a></h2>
${paragraphs(a.text)}
</section>`;
    })
    .join("\n");
  return page(
    doc.title,
    `<h1>${escapeHtml(doc.title)}</h1>
${meta ? `<p class="meta">${meta}</p>` : ""}
${doc.sample ? `<p class="sample-note">示例文本：本文件仅用于演示，不是正式政策。</p>` : ""}
<nav aria-label="条款目录" class="toc"><h2>目录</h2><ol>${toc}</ol></nav>
${doc.preamble ? `<div class="preamble">${paragraphs(doc.preamble)}</div>` : ""}
${articles}`,
  );
}

export function policyIndexPage(kb: KnowledgeBase): string {
  const items = kb.policies
    .map((p) => `<li><a href="/policies/${escapeHtml(encodeURIComponent(p.id))}">${escapeHtml(p.title)}</a>${p.issued ? ` <span class="meta">${escapeHtml(p.issued)}</span>` : ""}</li>`)
    .join("\n");
  return page("政策文件", `<h1>政策文件</h1>\n<ul class="policy-list">${items}</ul>`);
}

export function notFoundPage(): string {
  return page("页面不存在", `<h1>页面不存在</h1>\n<p>您访问的页面不存在。<a href="/">返回咨询首页</a></p>`);
}
