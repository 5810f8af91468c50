namespace Outreach.Testing;
