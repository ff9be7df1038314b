/**
 * imsmanifest.xml → what the platform needs to play and track a SCORM package: version
 * (1.2 or 2004 with its edition), title, launch page and the list of SCOs. The XML is
 * hostile: any DOCTYPE or ENTITY declaration is refused before parsing (no external or
 * expanding entities can exist then), and fast-xml-parser never fetches anything.
 *
 * Launch (design.md §4): the default organization (or the first) → its first item, in
 * document order, with an identifierref → that resource's href joined with the xml:base
 * of <manifest>, <resources> and <resource> (+ the item's parameters). Every SCO item
 * is listed with its own launch, so a multi-SCO package can be played SCO by SCO. A
 * manifest with no organization but a single resource plays that resource (as Moodle does).
 *
 * Sequencing: the platform launches SCOs one by one from its own list; it does not run
 * the SCORM 2004 sequencing engine. Elements that only restate the default behaviour
 * (controlMode, deliveryControls, plain objectives without shared global objectives,
 * adlnav presentation hints) are accepted and ignored; rule-based sequencing (pre/post/
 * exit condition rules, rollup rules, limit conditions, randomization, objective maps,
 * shared sequencing collections) is refused at upload with 'package_sequencing_unsupported',
 * because playing such a package without its rules would record wrong results.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../errors';
import { launchString, requireFile, resolveLaunch } from './launch';

export interface ScoInfo {
  /** the <item> identifier (the key tracking will use per SCO) */
  identifier: string;
  title: string;
  /** path inside the package plus optional ?query / #fragment */
  launch: string;
  /** SCORM 1.2 adlcp:masteryscore (0…100): decides passed / failed from the score */
  masteryScore?: number;
  /** SCORM 2004 primary objective's minNormalizedMeasure when satisfiedByMeasure (−1…1): cmi.scaled_passing_score */
  scaledPassingScore?: number;
  /** SCORM 2004 adlcp:completionThreshold (0…1): cmi.completion_threshold */
  completionThreshold?: number;
}

/** What the manifest says decides an item's success and completion (see docs/playback.md). */
export type ScoRules = Pick<ScoInfo, 'masteryScore' | 'scaledPassingScore' | 'completionThreshold'>;

export interface ScormInfo {
  kind: 'scorm12' | 'scorm2004';
  /** 2004 only: '2nd' | '3rd' | '4th' */
  edition: string | null;
  title: string;
  launch: string;
  scos: ScoInfo[];
}

type XmlNode = Record<string, unknown>;

const localName = (key: string) => key.slice(key.indexOf(':') + 1);

const asArray = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);

/** Child elements whose local name (any namespace prefix) is `name`, in document order. */
function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return [];
  const found: XmlNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text' || localName(key) !== name) continue;
    for (const child of asArray(value)) found.push(child && typeof child === 'object' ? (child as XmlNode) : { '#text': child });
  }
  return found;
}

const child = (node: unknown, name: string): XmlNode | undefined => children(node, name)[0];

/** Attribute by local name ("scormtype" matches adlcp:scormtype and adlcp:scormType). */
function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') && localName(key.slice(2)).toLowerCase() === name.toLowerCase()) return String(value);
  }
  return undefined;
}

function text(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node !== 'object') return String(node).trim();
  const value = (node as XmlNode)['#text'];
  return value === undefined ? '' : String(value).trim();
}

/** Namespace URIs declared anywhere on the root element (xmlns, xmlns:adlcp …). */
function namespaces(root: XmlNode): string[] {
  return Object.entries(root)
    .filter(([key]) => key === '@_xmlns' || key.startsWith('@_xmlns:'))
    .map(([, value]) => String(value).toLowerCase());
}

/** Decodes the manifest bytes (UTF-8, or UTF-16 with its byte order mark). */
function decodeXml(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  const textValue = bytes.toString('utf8');
  return textValue.charCodeAt(0) === 0xfeff ? textValue.slice(1) : textValue;
}

/** Parses XML with entity declarations refused; exported for tests of the refusal itself. */
export function parseManifestXml(bytes: Buffer): XmlNode {
  const xml = decodeXml(bytes);
  // refused before any parser sees it: no DTD means no external entity, no entity expansion
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new AppError(422, 'package_xml_entities');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new AppError(422, 'package_xml_invalid', { line: valid.err.line });
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, parseAttributeValue: false, trimValues: true, processEntities: true, htmlEntities: false, ignoreDeclaration: true, ignorePiTags: true });
  return parser.parse(xml) as XmlNode;
}

const UNSUPPORTED_SEQUENCING = ['sequencingRules', 'preConditionRule', 'postConditionRule', 'exitConditionRule', 'rollupRules', 'limitConditions', 'randomizationControls', 'mapInfo', 'sequencingCollection', 'constrainedChoiceConsiderations'];

/** The first rule-based sequencing element anywhere in the manifest, if any. */
function unsupportedSequencing(node: unknown): string | null {
  if (!node || typeof node !== 'object') return null;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_') || key === '#text') continue;
    const name = localName(key);
    if (UNSUPPORTED_SEQUENCING.includes(name)) return name;
    // adlseq:objectives carries objective maps to shared global objectives
    if (name === 'objectives' && key.toLowerCase().startsWith('adlseq:')) return key;
    for (const item of asArray(value)) {
      const found = unsupportedSequencing(item);
      if (found) return found;
    }
  }
  return null;
}

/** 1.2 or 2004 (+ edition) from metadata/schemaversion, else from the namespaces. */
function version(root: XmlNode): { kind: ScormInfo['kind']; edition: string | null } {
  const declared = text(child(child(root, 'metadata'), 'schemaversion'));
  if (declared) {
    const v = declared.toLowerCase().replace(/\s+/g, ' ');
    if (v === '1.2') return { kind: 'scorm12', edition: null };
    if (v === 'cam 1.3' || v === '1.3' || v === '2004 2nd edition') return { kind: 'scorm2004', edition: '2nd' };
    if (v === '2004 3rd edition') return { kind: 'scorm2004', edition: '3rd' };
    if (v === '2004 4th edition') return { kind: 'scorm2004', edition: '4th' };
    throw new AppError(422, 'package_scorm_version_unsupported', { version: declared.slice(0, 60) });
  }
  // no schemaversion (common in 1.2 exports): the ADL namespace says which; none at all → 1.2
  const ns = namespaces(root);
  if (ns.some((n) => n.includes('adlcp_v1p3') || n.includes('imscp_v1p1') || n.includes('imsss'))) return { kind: 'scorm2004', edition: null };
  return { kind: 'scorm12', edition: null };
}

/** Items in document order, depth first (nested items follow their parent). */
function flattenItems(node: XmlNode): XmlNode[] {
  return children(node, 'item').flatMap((item) => [item, ...flattenItems(item)]);
}

/**
 * Reads a SCORM manifest; `files` are the package's file paths (to check launch pages
 * exist), `fallbackTitle` names a package whose manifest has no title.
 */
export function readScormManifest(bytes: Buffer, files: ReadonlySet<string>, fallbackTitle: string): ScormInfo {
  const document = parseManifestXml(bytes);
  const root = child(document, 'manifest');
  if (!root) throw new AppError(422, 'package_scorm_no_organization');
  const { kind, edition } = version(root);
  const rule = unsupportedSequencing(root);
  if (rule) throw new AppError(422, 'package_sequencing_unsupported', { rule });

  const organizationsNode = child(root, 'organizations');
  const organizations = children(organizationsNode, 'organization');
  const wanted = attr(organizationsNode, 'default');
  const resourcesNode = child(root, 'resources');
  const resourceList = children(resourcesNode, 'resource');
  const resources = new Map(resourceList.map((r) => [attr(r, 'identifier') ?? '', r]));
  // no organization but exactly one resource: that resource is the course (Moodle plays it too)
  const organization = organizations.find((o) => attr(o, 'identifier') === wanted) ?? organizations[0] ?? (resourceList.length === 1 ? implicitOrganization(resourceList[0]!, fallbackTitle) : undefined);
  if (!organization) throw new AppError(422, 'package_scorm_no_organization');
  const bases = [attr(root, 'base') ?? '', attr(resourcesNode, 'base') ?? ''];

  const items = flattenItems(organization);
  let launch: string | null = null;
  const scos: ScoInfo[] = [];
  for (const item of items) {
    const ref = attr(item, 'identifierref');
    if (!ref) continue;
    const resource = resources.get(ref);
    if (!resource) throw new AppError(422, 'package_scorm_resource_missing', { item: (attr(item, 'identifier') ?? '').slice(0, 100), ref: ref.slice(0, 100) });
    const href = attr(resource, 'href');
    if (!href) continue;
    const shownHref = [...bases, attr(resource, 'base') ?? '', href].filter(Boolean).join('');
    const target = resolveLaunch([...bases, attr(resource, 'base') ?? '', href], shownHref);
    requireFile(target, files, shownHref);
    // a SCO is a web page; launching a script, an image or a schema directly makes no sense
    if (!/\.html?$/i.test(target.path)) throw new AppError(422, 'package_launch_not_page', { href: shownHref.slice(0, 200) });
    const parameters = (attr(item, 'parameters') ?? '').trim();
    const full = launchString(target) + withParameters(target.suffix, parameters);
    launch ??= full;
    if ((attr(resource, 'scormtype') ?? '').toLowerCase() === 'sco') {
      scos.push({ identifier: attr(item, 'identifier') ?? ref, title: text(child(item, 'title')) || (attr(item, 'identifier') ?? ref), launch: full, ...scoRules(kind, item) });
    }
  }
  if (!launch) throw new AppError(422, 'package_scorm_no_launch');
  if (scos.length === 0) throw new AppError(422, 'package_scorm_no_sco');
  const title = text(child(organization, 'title')) || scos[0]?.title || fallbackTitle;
  return { kind, edition, title: title.normalize('NFC').slice(0, 300), launch, scos };
}

/** A number of the manifest within min…max, or undefined (absent or malformed: no rule). */
function measure(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

/**
 * The item's mastery rules. SCORM 1.2: <adlcp:masteryscore>. SCORM 2004: the primary
 * objective's <imsss:minNormalizedMeasure> (default 1.0) when satisfiedByMeasure="true",
 * and <adlcp:completionThreshold> — its text (2nd / 3rd edition) or, 4th edition, its
 * minProgressMeasure (default 1.0) when completedByMeasure="true".
 */
function scoRules(kind: ScormInfo['kind'], item: XmlNode): ScoRules {
  const rules: ScoRules = {};
  if (kind === 'scorm12') {
    const mastery = measure(text(child(item, 'masteryscore')), 0, 100);
    if (mastery !== undefined) rules.masteryScore = mastery;
    return rules;
  }
  const primary = child(child(child(item, 'sequencing'), 'objectives'), 'primaryObjective');
  if (primary && attr(primary, 'satisfiedByMeasure') === 'true') {
    const minimum = child(primary, 'minNormalizedMeasure');
    const passing = minimum ? measure(text(minimum), -1, 1) : 1;
    if (passing !== undefined) rules.scaledPassingScore = passing;
  }
  const threshold = child(item, 'completionThreshold');
  if (threshold) {
    const value = text(threshold) ? measure(text(threshold), 0, 1) : attr(threshold, 'completedByMeasure') === 'true' ? (measure(attr(threshold, 'minProgressMeasure'), 0, 1) ?? 1) : undefined;
    if (value !== undefined) rules.completionThreshold = value;
  }
  return rules;
}

/** An organization of one item pointing at `resource`: what a manifest with an empty <organizations/> means. */
function implicitOrganization(resource: XmlNode, title: string): XmlNode {
  const identifier = attr(resource, 'identifier') ?? '';
  return { title, item: { '@_identifier': identifier || 'item', '@_identifierref': identifier, title } };
}

/** Item parameters (IMS CP: "?a=b", "#x" or "a=b") appended to a launch suffix. */
function withParameters(suffix: string, parameters: string): string {
  if (!parameters) return '';
  if (parameters.startsWith('#')) return parameters;
  const query = parameters.replace(/^[?&]/, '');
  return (suffix.includes('?') ? '&' : '?') + query;
}
