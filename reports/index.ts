export * from './dq-report.js';
export * from './ingest-outputs.js';
export { escapeHtml, formatNumber, formatValue, htmlTable, inlineSvg, renderReportPage, sanitizeSvg, MISSING, REPORT_CSP, type InlineSvgOptions, type ReportPage, type ReportSection, type TableColumn } from './html/index.js';
