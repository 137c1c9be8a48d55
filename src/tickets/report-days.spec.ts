import { isWholeDays, planReport } from './report-days';

const d = (day: string, time = '00:00:00.000') => new Date(`${day}T${time}Z`);

describe('report days', () => {
  it('knows periods of whole UTC days', () => {
    expect(isWholeDays({})).toBe(true);
    expect(isWholeDays({ from: d('2026-01-01'), until: d('2026-02-01') })).toBe(true);
    expect(isWholeDays({ from: d('1969-12-31') })).toBe(true);
    expect(isWholeDays({ from: d('2026-01-01', '00:00:00.001') })).toBe(false);
    expect(isWholeDays({ until: d('2026-01-01', '12:00:00.000') })).toBe(false);
  });

  it('reads everything from the tickets before the first rollup', () => {
    const p = { from: d('2026-01-01') };
    expect(planReport(p, null, [])).toEqual({ live: [p] });
  });

  it('reads rolled days from the totals, and dirty days and later days from the tickets', () => {
    expect(planReport({}, '2026-03-10', ['2026-03-01', '2026-02-01'])).toEqual({
      rolled: { from: undefined, to: '2026-03-10', except: ['2026-02-01', '2026-03-01'] },
      live: [
        { from: d('2026-02-01'), until: d('2026-02-02') },
        { from: d('2026-03-01'), until: d('2026-03-02') },
        { from: d('2026-03-11'), until: undefined },
      ],
    });
  });

  it('keeps to the period: dirty days outside it are ignored, the live part starts at the later of its start and the day after the rollup', () => {
    const p = { from: d('2026-03-05'), until: d('2026-03-08') };
    expect(planReport(p, '2026-03-10', ['2026-03-01', '2026-03-06', '2026-03-08'])).toEqual({
      rolled: { from: '2026-03-05', to: '2026-03-07', except: ['2026-03-06'] },
      live: [{ from: d('2026-03-06'), until: d('2026-03-07') }],
    });
    const later = { from: d('2026-03-12'), until: d('2026-03-20') };
    expect(planReport(later, '2026-03-10', [])).toEqual({ rolled: undefined, live: [later] });
    expect(planReport({ from: d('2026-03-01'), until: d('2026-03-20') }, '2026-03-10', [])).toEqual({
      rolled: { from: '2026-03-01', to: '2026-03-10', except: [] },
      live: [{ from: d('2026-03-11'), until: d('2026-03-20') }],
    });
  });
});
