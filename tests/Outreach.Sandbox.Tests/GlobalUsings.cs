global using Outreach.Testing;
