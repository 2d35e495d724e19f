// Building blocks of every self-contained report page (investigator report, panel report, consensus section).
export { escapeHtml } from './escape.js';
export { MISSING, formatNumber, formatPercent, formatValue } from './format.js';
export { htmlTable, type TableColumn } from './table.js';
export { inlineSvg, sanitizeSvg, type InlineSvgOptions } from './svg.js';
export { htmlDocument, renderReportPage, REPORT_CSP, type ReportPage, type ReportSection } from './page.js';
export { REPORT_CSS } from './style.js';
