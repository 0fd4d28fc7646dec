// The fonts of the portal's PDFs (certificates, project notifications), so that a PDF looks the same on every
// machine whatever fonts it has installed. Run by scripts/build-assets; needs node_modules (package.json's
// @fontsource packages: the Noto fonts of Google Fonts, under the SIL Open Font License).
//
// It copies only the files the PDFs use (the weights and styles the templates set, the subsets of each
// script) from node_modules/@fontsource/<package>/files/ into build/static/fonts/<package>/, with the
// package's LICENSE, and writes build/static/fonts/pdf.css: one @font-face per file, which common/pdf.py
// reads once per process.
// - WOFF, not WOFF2: WeasyPrint turns each into a plain font file when it reads the stylesheet, and a WOFF2
//   file takes ten times as long (about 35 ms each, pure Python): 13 s instead of 2 s for 372 files.
// - No unicode-range: each file is already a subset, and fontconfig reads what it covers from its cmap,
//   whereas fontsource's ranges (unicode.json) are its slices' nominal ones (Noto Serif SC's slice 21 claims
//   Hangul it does not have, and WeasyPrint takes a range for the file's coverage: a box instead of Korean).
// - One family for each file ("PDF Noto Serif latin-ext", "PDF Noto Serif JP 37", ...), listed in the
//   variables --pdf-serif, --pdf-sans, --pdf-mono and --pdf-names that the templates use. WeasyPrint keys a PDF's fonts by
//   family, weight and style, and embeds the first file it met for each key: two subsets of one family in
//   one name ("Nguyễn": latin and vietnamese; "王小明": two slices) would print glyphs of the wrong file.
//   No system font has these names, so a template that uses the lists gets these files and no other.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const SOURCE = path.join(ROOT, "node_modules", "@fontsource");
const TARGET = path.join(ROOT, "build", "static", "fonts");

// The text of the PDFs: Latin with diacritics (Vietnamese, Turkish, Malay, ...) and Cyrillic (Mongolian).
const TEXT = ["latin", "latin-ext", "vietnamese", "cyrillic", "cyrillic-ext"];
// Chinese, Japanese and Korean come in about 120 numbered slices each (fontsource's "[0]" to "[119]").
const SLICES = "numbered";

// [package, subsets, faces, uses]: a face is "<weight>" or "<weight>-italic", as the templates set them; uses says
// which lists of families it joins. The scripts of people's names are needed in bold only (the certificate's
// holder), after Noto Serif, in three lists that differ only in whose forms a Han character takes first.
const NAMES = ["names", "names-tw", "names-hk"];
const FONTS = [
    ["noto-serif", TEXT, ["400", "400-italic", "700"], ["serif"]],
    ["noto-sans", TEXT, ["400", "700"], ["sans"]],
    ["noto-sans-mono", ["latin"], ["700"], ["mono"]],
    ["noto-serif-thai", ["thai"], ["700"], NAMES],
    ["noto-serif-lao", ["lao"], ["700"], NAMES],
    ["noto-serif-khmer", ["khmer"], ["700"], NAMES],
    ["noto-serif-myanmar", ["myanmar"], ["700"], NAMES],
    ["noto-serif-devanagari", ["devanagari"], ["700"], NAMES],
    ["noto-serif-bengali", ["bengali"], ["700"], NAMES],
    ["noto-serif-sinhala", ["sinhala"], ["700"], NAMES],
    ["noto-serif-tamil", ["tamil"], ["700"], NAMES],
    ["noto-naskh-arabic", ["arabic"], ["700"], NAMES], // Persian and Urdu
    // A Han character takes the first of these that has it. A name from the Republic of China or Hong Kong is
    // written in Traditional Chinese, whose forms of many characters differ from Japan's: their lists start
    // with Taiwan's and Hong Kong's forms. Every list then has Japanese forms, Simplified Chinese, Korean.
    ["noto-serif-tc", SLICES, ["700"], ["names-tw"]],
    ["noto-serif-hk", SLICES, ["700"], ["names-hk"]],
    ["noto-serif-jp", SLICES, ["700"], NAMES],
    ["noto-serif-sc", SLICES, ["700"], NAMES],
    ["noto-serif-kr", SLICES, ["700"], NAMES],
];

fs.rmSync(TARGET, { recursive: true, force: true });
const rules = [];
const families = { serif: [], sans: [], mono: [], names: [], "names-tw": [], "names-hk": [] };
let files = 0;
for (const [name, subsets, faces, uses] of FONTS) {
    const pkg = path.join(SOURCE, name);
    const metadata = JSON.parse(fs.readFileSync(path.join(pkg, "metadata.json"), "utf8"));
    const ranges = JSON.parse(fs.readFileSync(path.join(pkg, "unicode.json"), "utf8"));
    const version = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8")).version;
    const chosen = subsets === SLICES ? Object.keys(ranges).filter((s) => /^\[\d+\]$/.test(s)) : subsets;
    fs.mkdirSync(path.join(TARGET, name), { recursive: true });
    fs.copyFileSync(path.join(pkg, "LICENSE"), path.join(TARGET, name, "LICENSE"));
    rules.push(`/* ${metadata.family}: @fontsource/${name} ${version} (${metadata.source}, ${metadata.version}) */`);
    for (const subset of chosen) {
        if (!(subset in ranges)) throw new Error(`@fontsource/${name} has no subset ${subset}`);
        const label = subset.replace(/[[\]]/g, "");
        const family = `PDF ${metadata.family} ${label}`;
        for (const use of uses) families[use].push(`"${family}"`);
        for (const face of faces) {
            const [weight, style = "normal"] = face.split("-");
            const file = `${name}-${label}-${weight}-${style}.woff`;
            fs.copyFileSync(path.join(pkg, "files", file), path.join(TARGET, name, file));
            files += 1;
            rules.push(
                "@font-face {",
                `  font-family: "${family}";`,
                `  font-style: ${style};`,
                `  font-weight: ${weight};`,
                `  src: url(${name}/${file}) format("woff");`,
                "}",
            );
        }
    }
}
// The lists the templates use: font-family: var(--pdf-serif), var(--pdf-sans), var(--pdf-mono), and
// var(--pdf-names) for people's names (var(--pdf-names-tw) and var(--pdf-names-hk) for those of the Republic
// of China and Hong Kong).
const list = (...uses) => uses.flatMap((use) => families[use]).join(", ");
// Only --pdf-names lists the scripts' fonts: a long list costs every piece of text set in it (Pango sorts the
// fonts against each family in it), and only people's names need them.
rules.push(
    ":root {",
    `  --pdf-serif: ${list("serif")}, serif;`,
    `  --pdf-sans: ${list("sans")}, sans-serif;`,
    `  --pdf-mono: ${list("mono", "sans")}, monospace;`,
    `  --pdf-names: ${list("serif", "names")}, serif;`,
    `  --pdf-names-tw: ${list("serif", "names-tw")}, serif;`,
    `  --pdf-names-hk: ${list("serif", "names-hk")}, serif;`,
    "}",
);
fs.writeFileSync(
    path.join(TARGET, "pdf.css"),
    "/* Written by scripts/build-pdf-fonts.js: the fonts of the portal's PDFs. Do not edit. */\n" +
        rules.join("\n") +
        "\n",
);
console.error(`build-pdf-fonts: ${files} font files and pdf.css in ${path.relative(ROOT, TARGET)}`);
