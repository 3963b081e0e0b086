#include "reporters/flamegraph_script.h"

namespace perfgate::reporters {
namespace {

// Kept in step with flame_svg.cpp: the frame geometry comes from the root's
// data-* attributes, and place() applies the same label rule as fit_label().
constexpr std::string_view kScript = R"JS(
"use strict";
var W, XPAD, FONT, TOTAL, CHAR_W = 0.59, LABEL_BASELINE = 11.5, SEARCH_FILL = "rgb(230,0,230)";
var SVG_NS = "http://www.w3.org/2000/svg";
var frames = [], details, matched, searchbtn, unzoombtn, icbtn, zoomed = null, term = null, ignorecase = false;

function init(evt) {
  var svg = document.documentElement;
  W = +svg.getAttribute("data-width");
  XPAD = +svg.getAttribute("data-xpad");
  FONT = +svg.getAttribute("data-font");
  TOTAL = +svg.getAttribute("data-total");
  details = document.getElementById("details");
  matched = document.getElementById("matched");
  searchbtn = document.getElementById("search");
  unzoombtn = document.getElementById("unzoom");
  icbtn = document.getElementById("ignorecase");
  var nodes = document.querySelectorAll("#frames > g");
  for (var i = 0; i < nodes.length; i++) {
    var g = nodes[i], info = g.querySelector("title").textContent.split("\n");
    g.fx = +g.getAttribute("data-x");
    g.fw = +g.getAttribute("data-w");
    g.fd = +g.getAttribute("data-d");
    g.rect = g.querySelector("rect");
    g.label = g.querySelector("text");
    g.fill = g.rect.getAttribute("fill");
    g.ly = +g.rect.getAttribute("y") + LABEL_BASELINE;
    g.name = info[0];
    g.info = info.join(" \u2014 ");
    frames.push(g);
  }
  var area = document.getElementById("frames");
  area.addEventListener("click", function (e) { var g = frame_of(e.target); if (g) zoom(g); });
  area.addEventListener("mouseover", function (e) { var g = frame_of(e.target); if (g) details.textContent = g.info; });
  area.addEventListener("mouseout", function () { details.textContent = " "; });
  unzoombtn.addEventListener("click", unzoom);
  icbtn.addEventListener("click", toggle_ignorecase);
  searchbtn.addEventListener("click", function () { if (term !== null) reset_search(); else search_prompt(); });
  window.addEventListener("keydown", function (e) {
    if (((e.ctrlKey || e.metaKey) && e.key === "f") || e.key === "F3") { e.preventDefault(); search_prompt(); }
    else if (e.key === "Escape") { reset_search(); unzoom(); }
  });
  var s = new URLSearchParams(document.location.search).get("s");
  if (s) search(s);
}

function frame_of(el) {
  for (; el && el.parentNode; el = el.parentNode) if (el.parentNode.id === "frames") return el;
  return null;
}

// Moves a frame and re-truncates its label to the new width.
function place(g, x, w) {
  g.rect.setAttribute("x", x.toFixed(2));
  g.rect.setAttribute("width", w.toFixed(2));
  var fit = Math.floor((w - 6) / (FONT * CHAR_W));
  var text = fit < 3 ? "" : g.name.length <= fit ? g.name : g.name.substring(0, fit - 2) + "..";
  if (!g.label) {
    if (!text) return;
    g.label = document.createElementNS(SVG_NS, "text");
    g.label.setAttribute("y", g.ly.toFixed(2));
    g.appendChild(g.label);
  }
  g.label.setAttribute("x", (x + 3).toFixed(2));
  g.label.textContent = text;
}

// The clicked frame fills the width; its ancestors stay, faded, full width;
// everything else is hidden.
function zoom(node) {
  zoomed = node;
  unzoombtn.classList.remove("hide");
  var scale = (W - 2 * XPAD) / node.fw, end = node.fx + node.fw;
  frames.forEach(function (g) {
    var inside = g.fd >= node.fd && g.fx >= node.fx && g.fx + g.fw <= end;
    var ancestor = g.fd < node.fd && g.fx <= node.fx && g.fx + g.fw >= end;
    g.classList.toggle("hide", !inside && !ancestor);
    g.classList.toggle("parent", ancestor);
    if (inside) place(g, XPAD + (g.fx - node.fx) * scale, g.fw * scale);
    else if (ancestor) place(g, XPAD, W - 2 * XPAD);
  });
}

function unzoom() {
  if (!zoomed) return;
  zoomed = null;
  unzoombtn.classList.add("hide");
  var scale = (W - 2 * XPAD) / TOTAL;
  frames.forEach(function (g) {
    g.classList.remove("hide", "parent");
    place(g, XPAD + g.fx * scale, g.fw * scale);
  });
}

function search_prompt() {
  var t = prompt("Search for a function (regular expression; plain text if it is not one):", term || "");
  if (t !== null) search(t);
}

function search(t) {
  if (!t) { reset_search(); return; }
  var re;
  var flags = ignorecase ? "i" : "";
  try { re = new RegExp(t, flags); } catch (e) { re = new RegExp(t.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&"), flags); }
  term = t;
  var hits = [];
  frames.forEach(function (g) {
    var hit = re.test(g.name);
    g.rect.setAttribute("fill", hit ? SEARCH_FILL : g.fill);
    g.classList.toggle("match", hit);
    if (hit) hits.push(g);
  });
  // A match nested in another match is already counted in its width.
  hits.sort(function (a, b) { return a.fx - b.fx || b.fw - a.fw; });
  var sum = 0, end = -1;
  hits.forEach(function (g) { if (g.fx >= end) { sum += g.fw; end = g.fx + g.fw; } });
  searchbtn.textContent = "Reset Search";
  matched.textContent = "Matched: " + (TOTAL > 0 ? 100 * sum / TOTAL : 0).toFixed(1) + "%";
}

// flamegraph.pl's "ic" button: case-insensitive search, re-applied at once.
function toggle_ignorecase() {
  ignorecase = !ignorecase;
  icbtn.classList.toggle("on", ignorecase);
  if (term !== null) search(term);
}

function reset_search() {
  term = null;
  frames.forEach(function (g) { g.rect.setAttribute("fill", g.fill); g.classList.remove("match"); });
  searchbtn.textContent = "Search";
  matched.textContent = " ";
}
)JS";

}  // namespace

std::string_view flamegraph_script() {
  return kScript;
}

}  // namespace perfgate::reporters
