/**
 * The campaign report: {@link loadReportData} reads the campaign, {@link buildCampaignReport} writes
 * one self-contained HTML file with inline SVG charts.
 *
 * @module
 */
export { buildCampaignReport, type ReportMeta, type TwinState } from './campaign-report';
export { loadReportData, type CampaignReportData, type ReportAudit, type ReportBestResult, type ReportCampaign, type ReportExperiment, type ReportModel } from './data';
export { databaseKind } from './database-kind';
export { esc, inlineSvg, num } from './html';
