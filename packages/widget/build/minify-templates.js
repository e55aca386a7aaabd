// A rollup plugin that squeezes the white space out of lit's html``, svg`` and css`` templates in
// the widget's own modules. Terser leaves template text alone, and indentation is a sizeable
// share of the bundle. The rules are conservative:
// - html/svg: white space that contains a line break is dropped between a tag and a tag
//   (as JSX does) and otherwise becomes one space; other runs become one space.
// - css: comments go, runs become one space, spaces next to { } ; , and after : go, and a zero
//   before a decimal point goes (0.5em -> .5em); text in quotes is left alone.

const TAGS = new Set(['html', 'svg', 'css']);

function minifyMarkup(text) {
  return text.replace(/>\s*\n\s*</g, '><').replace(/\s*\n\s*/g, ' ').replace(/[ \t]{2,}/g, ' ');
}

function minifyCss(text) {
  let out = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,])\s*/g, '$1')
    .replace(/;}/g, '}');
  out = replaceOutsideQuotes(out, /:\s+/, () => ':');
  out = replaceOutsideQuotes(out, /([\s(,:/])0\.(\d)/, (before, digit) => `${before}.${digit}`);
  return out;
}

/** Replaces every match of `pattern` that is not inside a quoted string. */
function replaceOutsideQuotes(text, pattern, replace) {
  const quotedOrPattern = new RegExp(`('[^']*'|"[^"]*")|${pattern.source}`, 'g');
  return text.replace(quotedOrPattern, (match, quoted, ...groups) => quoted ?? replace(...groups));
}

function walk(node, visit) {
  if (!node || typeof node.type !== 'string') return;
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) for (const child of value) walk(child, visit);
    else if (value && typeof value.type === 'string') walk(value, visit);
  }
}

/** @param {{ include: (id: string) => boolean }} options */
export function minifyTemplates({ include }) {
  return {
    name: 'minify-templates',
    transform(code, id) {
      if (!include(id)) return null;
      const edits = [];
      walk(this.parse(code), (node) => {
        if (node.type !== 'TaggedTemplateExpression' || node.tag.type !== 'Identifier' || !TAGS.has(node.tag.name)) return;
        const minify = node.tag.name === 'css' ? minifyCss : minifyMarkup;
        for (const quasi of node.quasi.quasis) {
          const raw = code.slice(quasi.start, quasi.end);
          const out = minify(raw);
          if (out !== raw) edits.push([quasi.start, quasi.end, out]);
        }
      });
      if (!edits.length) return null;
      edits.sort((a, b) => b[0] - a[0]);
      let out = code;
      for (const [start, end, text] of edits) out = out.slice(0, start) + text + out.slice(end);
      return { code: out, map: null };
    },
  };
}
