import { SegmentsService } from './segments.service';

describe('segment filters', () => {
  it('keeps only the conditions that select something, with the default window for heavy callers', () => {
    expect(SegmentsService.normalise({})).toEqual({});
    expect(SegmentsService.normalise({ favoured: false, minIncidents: 0, incidentWindowDays: 30 })).toEqual({ favoured: false });
    expect(SegmentsService.normalise({ minIncidents: 5 })).toEqual({ minIncidents: 5, incidentWindowDays: 90 });
    expect(SegmentsService.normalise({ customerSinceBefore: '2020-01-01', minIncidents: 2, incidentWindowDays: 30 }))
      .toEqual({ customerSinceBefore: '2020-01-01', minIncidents: 2, incidentWindowDays: 30 });
  });

  it('says in words who is in it', () => {
    expect(SegmentsService.describe({})).toBe('all active accounts');
    expect(SegmentsService.describe({ favoured: true, customerSinceBefore: '2020-01-01', minIncidents: 1, incidentWindowDays: 30 }))
      .toBe('favoured accounts, customers since before 2020-01-01, with at least 1 ticket in the last 30 days');
    expect(SegmentsService.describe({ favoured: false, minIncidents: 5 })).toBe('accounts that are not favoured, with at least 5 tickets in the last 90 days');
  });
});
