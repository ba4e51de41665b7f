namespace Observability.SampleWorkload.Tests;
