using System.Text.Json;
using OrleansReco.Grains.Interfaces;

namespace OrleansReco.Gateway.Validation;

/// <summary>One validated event with the storefront's user id, which the endpoint pseudonymises before any grain sees it.</summary>
internal sealed record IncomingEvent(string UserId, BehaviourEvent Event);

/// <summary>Validates a whole <c>POST /v1/events</c> body before anything is recorded, so a batch is all or nothing.</summary>
internal static class EventBatchParser
{
    public const int MaxEvents = 1000;

    /// <summary>How far ahead of the gateway's clock an event may be; allows for clock skew between storefront and gateway.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly HashSet<string> Allowed = new(StringComparer.OrdinalIgnoreCase) { "userId", "itemId", "type", "timestamp", "eventId" };

    /// <summary>
    /// Null events with a problem result when the batch is invalid. <paramref name="now"/> stamps events that carry
    /// no timestamp, so a batch sent at once shares one time.
    /// </summary>
    public static (IReadOnlyList<IncomingEvent>? Events, IResult? Problem) Parse(JsonElement root, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        var events = new List<IncomingEvent>();
        var eventIds = new Dictionary<(string UserId, string EventId), string>();
        switch (root.ValueKind)
        {
            case JsonValueKind.Object:
                ParseOne(root, "", now, errors, events, eventIds);
                break;
            case JsonValueKind.Array:
                var length = root.GetArrayLength();
                if (length == 0)
                {
                    errors.Add("$", "the batch holds no events");
                }
                else if (length > MaxEvents)
                {
                    return (null, TypedResults.Problem(
                        statusCode: StatusCodes.Status413PayloadTooLarge,
                        title: "Too many events",
                        detail: $"A batch holds at most {MaxEvents} events; this one holds {length}."));
                }
                var index = 0;
                foreach (var element in root.EnumerateArray())
                {
                    ParseOne(element, $"[{index++}]", now, errors, events, eventIds);
                }
                break;
            default:
                errors.Add("$", "the body must be an event object or an array of event objects");
                break;
        }
        return errors.Any
            ? (null, TypedResults.ValidationProblem(errors.ToDictionary(), title: "Invalid events", detail: "No event of this batch was recorded."))
            : (events, null);
    }

    /// <param name="eventIds">The path of each (user, event id) pair seen so far in the batch.</param>
    private static void ParseOne(
        JsonElement element, string path, DateTimeOffset now, FieldErrors errors, List<IncomingEvent> events,
        Dictionary<(string UserId, string EventId), string> eventIds)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(path.Length == 0 ? "$" : path, "must be an event object");
            return;
        }
        var properties = JsonFields.ReadObject(element, path, Allowed, errors);
        var userId = JsonFields.ReadId(properties, "userId", path, errors, required: true, pathId: true);
        var itemId = JsonFields.ReadId(properties, "itemId", path, errors, required: true, pathId: true);
        var type = ReadType(properties, path, errors);
        var timestamp = ReadTimestamp(properties, path, now, errors);
        var eventId = JsonFields.ReadId(properties, "eventId", path, errors, required: false);
        if (userId is not null && eventId is not null && !eventIds.TryAdd((userId, eventId), path))
        {
            // Two events under one id: the user grain would keep the first and drop the second, most likely a
            // storefront bug that should surface rather than lose an event.
            errors.Add(JsonFields.Join(path, "eventId"), $"repeats the eventId of {eventIds[(userId, eventId)]} for the same user");
            return;
        }
        if (userId is not null && itemId is not null && type is not null && timestamp is not null)
        {
            events.Add(new IncomingEvent(userId, new BehaviourEvent(itemId, type.Value, timestamp.Value, eventId)));
        }
    }

    private static EventType? ReadType(Dictionary<string, JsonElement> properties, string path, FieldErrors errors)
    {
        var field = JsonFields.Join(path, "type");
        if (!properties.TryGetValue("type", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(field, "is required");
            return null;
        }
        // Explicit names only: Enum.TryParse would also accept numbers and names added to the enum later.
        switch (JsonFields.ReadString(value, field, errors)?.ToLowerInvariant())
        {
            case "view": return EventType.View;
            case "cart": return EventType.Cart;
            case "purchase": return EventType.Purchase;
            case null: return null;
            default:
                errors.Add(field, "must be view, cart or purchase");
                return null;
        }
    }

    private static DateTimeOffset? ReadTimestamp(Dictionary<string, JsonElement> properties, string path, DateTimeOffset now, FieldErrors errors)
    {
        var field = JsonFields.Join(path, "timestamp");
        if (!properties.TryGetValue("timestamp", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return now;
        }
        var text = JsonFields.ReadString(value, field, errors);
        if (text is null)
        {
            return null;
        }
        // The offset is required: without one, parsing would silently use the gateway machine's time zone.
        if (!value.TryGetDateTimeOffset(out var timestamp) || !HasExplicitOffset(text))
        {
            errors.Add(field, "must be an ISO 8601 date and time with an offset, e.g. 2025-01-31T12:00:00Z");
            return null;
        }
        if (timestamp < Earliest)
        {
            errors.Add(field, "must not be before the year 2000");
            return null;
        }
        if (timestamp > now + MaxFutureSkew)
        {
            errors.Add(field, $"must not be more than {MaxFutureSkew.TotalMinutes} minutes in the future");
            return null;
        }
        return timestamp.ToUniversalTime();
    }

    private static bool HasExplicitOffset(string text)
    {
        var time = text.IndexOfAny(['T', 't']);
        if (time < 0)
        {
            return false;
        }
        var rest = text.AsSpan(time);
        return rest.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || rest.IndexOfAny('+', '-') >= 0;
    }
}
