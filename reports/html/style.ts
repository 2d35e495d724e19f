// The report pages' stylesheet, inlined in each page (the CSP forbids loading one).
export const REPORT_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:16px}
body{font-family:"DejaVu Sans",system-ui,sans-serif;color:#222;line-height:1.45;margin:0;padding:1.5rem;max-width:1380px;margin-inline:auto}
header.page h1{margin:0 0 .25rem;font-size:1.7rem}
header.page p.subtitle{margin:0 0 1rem;color:#555}
nav.toc{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;background:#fafafa;margin-bottom:1.5rem}
nav.toc h2{font-size:1rem;margin:.25rem 0}
nav.toc ol{margin:.25rem 0 .5rem;padding-left:1.5rem;columns:2 18rem}
section.report-section{margin:2rem 0;border-top:1px solid #ddd;padding-top:.5rem}
section.report-section h2{font-size:1.35rem}
h3{font-size:1.1rem;margin-top:1.5rem}
p,li{max-width:75rem}
.table-wrap{max-width:100%;overflow-x:auto;margin:.5rem 0 1rem}
table{border-collapse:collapse;font-size:.88rem}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #d6d6d6;padding:.2rem .55rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.empty{color:#777;font-style:italic}
figure{margin:1rem 0 1.5rem;max-width:100%;overflow-x:auto}
figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:.88rem;color:#444;margin-top:.35rem;max-width:75rem}
figure.missing p.missing,p.missing{color:#8a4b00;background:#fff6e8;border:1px solid #f0d2a8;padding:.4rem .7rem;border-radius:4px}
details{margin:.5rem 0}
summary{cursor:pointer}
.note{color:#555;font-size:.9rem}
.status-verified{color:#176b2c}.status-inferred{color:#8a4b00}.status-unverified{color:#b00020}
code{background:#f4f4f4;padding:0 .2rem;border-radius:3px;font-size:.85em;overflow-wrap:anywhere}
footer.page{margin-top:2.5rem;border-top:1px solid #ddd;padding-top:.5rem;color:#555;font-size:.85rem}
@media print{nav.toc{display:none}section.report-section{break-inside:auto}}
`;
