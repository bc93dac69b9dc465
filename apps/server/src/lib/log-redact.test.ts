import { describe, expect, it } from 'vitest';
import { loggedUrl } from './log-redact.ts';

describe('the access log keeps no ID number, phone, tracking code or personal search term of a URL', () => {
  it('redacts every query value of the routes about people, whatever its shape', () => {
    expect(loggedUrl('/api/v1/households?idNumber=411321197709125052&status=registered')).toBe(
      '/api/v1/households?idNumber=[redacted]&status=[redacted]',
    );
    expect(loggedUrl('/api/v1/reports?q=13912345678&limit=20')).toBe('/api/v1/reports?q=[redacted]&limit=[redacted]');
    expect(loggedUrl('/api/v1/household-imports?fileName=%E5%BC%A0%E4%B8%89.csv')).toBe(
      '/api/v1/household-imports?fileName=[redacted]',
    );
  });

  it('keeps harmless values elsewhere, but never a search term or a number that looks like a person’s', () => {
    expect(loggedUrl('/api/v1/stats/overview?asOf=2020-05-01&regionCode=411321106')).toBe(
      '/api/v1/stats/overview?asOf=2020-05-01&regionCode=411321106',
    );
    expect(loggedUrl('/api/v1/orgs?q=zw&level=branch&limit=20')).toBe(
      '/api/v1/orgs?q=[redacted]&level=branch&limit=20',
    );
    expect(loggedUrl('/api/v1/units?kind=13912345678')).toBe('/api/v1/units?kind=[redacted]');
    expect(loggedUrl('/api/v1/orgs/41132119770912505X?13912345678=1')).toBe('/api/v1/orgs/[redacted]?[redacted]=1');
  });

  it('hides the resident’s tracking code in the follow-up page and its API', () => {
    expect(loggedUrl('/r/7Q2M-9KXC-0D4T-HB8N-2RJW-5V6E-PF3A-YG1S')).toBe('/r/[redacted]');
    expect(loggedUrl('/api/v1/public/reports/7Q2M9KXC0D4THB8N2RJW5V6EPF3AYG1S/feedback')).toBe(
      '/api/v1/public/reports/[redacted]/feedback',
    );
  });
});
