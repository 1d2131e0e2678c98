namespace OrleansReco.Gateway.Validation;

/// <summary>Collects field errors for a validation problem (RFC 9457 <c>errors</c> member), capped so a huge bad batch gives a small answer.</summary>
internal sealed class FieldErrors
{
    private const int MaxFields = 20;
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            if (errors.Count >= MaxFields)
            {
                return;
            }
            errors[field] = list = [];
        }
        list.Add(message);
    }

    public IDictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
