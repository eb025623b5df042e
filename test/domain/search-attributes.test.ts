import { searchAttributeCliSpecs, ALL_SEARCH_ATTRIBUTES } from '../../src/domain/search-attributes';

describe('search attributes', () => {
  it('spells every key as the temporal CLI expects', () => {
    const specs = searchAttributeCliSpecs();
    expect(specs).toHaveLength(ALL_SEARCH_ATTRIBUTES.length);
    for (const spec of specs) expect(spec).toMatch(/^[A-Z][A-Za-z]+=(Text|Keyword|Int|Double|Bool|Datetime|KeywordList)$/);
    expect(specs).toContain('Release=Keyword');
    expect(new Set(specs.map((s) => s.split('=')[0])).size).toBe(specs.length);
  });
});
