import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Every custom search attribute trunkflow sets. This one list feeds the
 * workflows, `temporal-dev/up` (through `trunkflow search-attributes`) and the
 * test stack, so the server and the code never disagree.
 */
export const Release = defineSearchAttributeKey('Release', SearchAttributeType.KEYWORD);
export const Package = defineSearchAttributeKey('Package', SearchAttributeType.KEYWORD);
export const CommitHash = defineSearchAttributeKey('CommitHash', SearchAttributeType.KEYWORD);
export const RepoHash = defineSearchAttributeKey('RepoHash', SearchAttributeType.KEYWORD);
export const BuildStatus = defineSearchAttributeKey('BuildStatus', SearchAttributeType.KEYWORD);
export const Trunk = defineSearchAttributeKey('Trunk', SearchAttributeType.KEYWORD);
export const Label = defineSearchAttributeKey('Label', SearchAttributeType.KEYWORD);
export const Stage = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [Release, Package, CommitHash, RepoHash, BuildStatus, Trunk, Label, Stage];

/** The CLI's `--search-attribute Name=Type` spelling of a key's type. */
const CLI_TYPE_NAMES: Record<string, string> = {
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export function searchAttributeCliSpecs(): string[] {
  return ALL_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${CLI_TYPE_NAMES[key.type]}`);
}
