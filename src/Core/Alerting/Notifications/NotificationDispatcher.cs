using System.Security.Cryptography;
using System.Text;

namespace Observability.Core.Alerting.Notifications;

/// <summary>
/// Alertmanager's dispatch and notification log, as a pure function of the time, the alerts, the silences and the stored
/// groups: it decides which aggregation groups exist, when each flushes, and which flushes become webhook notifications.
/// Deterministic, so two Collectors computing the same flush produce the same idempotency key and the outbox keeps one.
/// </summary>
public sealed class NotificationDispatcher(string externalUrl)
{
    /// <summary>The externalURL of every payload; generatorURLs point below it.</summary>
    public string ExternalUrl { get; } = externalUrl.TrimEnd('/');

    public DispatchResult Dispatch(
        DateTimeOffset now,
        IReadOnlyList<AlertInstance> alerts,
        IReadOnlyList<Silence> silences,
        IReadOnlyList<AlertGroupRecord> groups,
        IReadOnlyDictionary<string, WebhookReceiverOptions> receivers)
    {
        var byFingerprint = new Dictionary<string, AlertInstance>(StringComparer.Ordinal);
        foreach (var alert in alerts.OrderBy(a => a.Fingerprint, StringComparer.Ordinal))
        {
            byFingerprint.TryAdd(alert.Fingerprint, alert);
        }

        var saved = new List<AlertGroupRecord>();
        var deleted = new List<(string Receiver, string GroupKey)>();
        var notifications = new List<Notification>();

        var stored = new Dictionary<(string Receiver, string GroupKey), (AggregationGroupState? State, string Raw)>();
        foreach (var group in groups)
        {
            if (!receivers.ContainsKey(group.Receiver))
            {
                // The receiver was removed from configuration: its groups have nowhere to go.
                deleted.Add((group.Receiver, group.GroupKey));
                continue;
            }
            stored[(group.Receiver, group.GroupKey)] = (AggregationGroupState.Parse(group.State), group.State);
        }

        foreach (var (name, receiver) in receivers.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var current = new SortedDictionary<string, AggregationGroupState>(StringComparer.Ordinal);
            foreach (var ((storedReceiver, key), (state, _)) in stored)
            {
                if (storedReceiver == name && state is not null)
                {
                    current[key] = state;
                }
            }

            // Firing alerts join (or create) their group; only they do, so pending and inactive alerts are never sent and a
            // resolved alert is sent only by a group that knew it firing.
            foreach (var alert in byFingerprint.Values)
            {
                if (alert.State != AlertState.Firing || !receiver.Routes(alert.Labels))
                {
                    continue;
                }
                var labels = GroupLabels(alert.Labels, receiver.EffectiveGroupBy);
                var key = GroupKey(receiver, labels);
                var firstFlush = FirstFlush(now, alert, receiver);
                if (!current.TryGetValue(key, out var group))
                {
                    group = new AggregationGroupState { Labels = labels, CreatedAt = now, NextFlushAt = firstFlush };
                    current[key] = group;
                }
                else if (!group.HasFlushed && firstFlush < group.NextFlushAt)
                {
                    // Alertmanager flushes a group at once when an alert's own group_wait is already over.
                    group.NextFlushAt = firstFlush;
                }
                group.Members[alert.Fingerprint] = GroupMember.Of(alert);
            }

            // A member seen resolved is remembered so, and is sent resolved even if the evaluator drops it before the flush.
            foreach (var group in current.Values)
            {
                foreach (var fingerprint in group.Members.Keys.ToList())
                {
                    if (byFingerprint.TryGetValue(fingerprint, out var alert) && alert.State == AlertState.Resolved)
                    {
                        group.Members[fingerprint] = GroupMember.Of(alert);
                    }
                }
            }

            foreach (var (key, group) in current)
            {
                if (now >= group.NextFlushAt && Flush(now, name, key, group, receiver, byFingerprint, silences) is { } notification)
                {
                    notifications.Add(notification);
                }
                if (group.Members.Count == 0)
                {
                    deleted.Add((name, key));
                    continue;
                }
                var state = group.Serialize();
                if (!stored.TryGetValue((name, key), out var before) || before.Raw != state)
                {
                    saved.Add(new AlertGroupRecord(name, key, state, now));
                }
            }

            // A stored group that could not be read is replaced by the one rebuilt above, or removed.
            foreach (var ((storedReceiver, key), (state, _)) in stored)
            {
                if (storedReceiver == name && state is null && !current.ContainsKey(key))
                {
                    deleted.Add((name, key));
                }
            }
        }
        return new DispatchResult(saved, deleted, notifications);
    }

    /// <summary>
    /// One flush at the group's scheduled time, with Alertmanager's DedupStage rules: notify when an alert fires that was
    /// not in the last notification, when alerts resolved that were not sent resolved (send_resolved), when all are
    /// resolved, or when repeat_interval has passed and an unacknowledged alert still fires.
    /// </summary>
    private Notification? Flush(
        DateTimeOffset now,
        string receiverName,
        string key,
        AggregationGroupState group,
        WebhookReceiverOptions receiver,
        IReadOnlyDictionary<string, AlertInstance> alerts,
        IReadOnlyList<Silence> silences)
    {
        var flushAt = group.NextFlushAt;
        var firing = new List<(string Fingerprint, GroupMember Member, bool Acknowledged)>();
        var resolved = new List<(string Fingerprint, GroupMember Member, bool Acknowledged)>();
        var leaving = new List<string>();
        foreach (var (fingerprint, member) in group.Members)
        {
            var isFiring = alerts.TryGetValue(fingerprint, out var alert) && alert.State == AlertState.Firing;
            if (!isFiring)
            {
                leaving.Add(fingerprint);
            }
            // One the evaluator no longer reports as firing or resolved (dropped, or already pending again) is sent
            // resolved as last seen, or as of this flush when it was never seen resolved (the flush time, not now, so the
            // body and its key are the same whichever Collector computes it).
            var seen = isFiring ? member : member with { ResolvedAt = member.ResolvedAt ?? flushAt };
            if (SilenceMatcher.IsSilenced(silences, seen.Labels, now))
            {
                continue;
            }
            (isFiring ? firing : resolved).Add((fingerprint, seen, isFiring && alert!.AcknowledgedBy is not null));
        }

        var firingSet = firing.Select(a => a.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var resolvedSet = resolved.Select(a => a.Fingerprint).ToHashSet(StringComparer.Ordinal);
        Notification? notification = null;
        if (NeedsUpdate(group, firingSet, resolvedSet, firing, receiver, flushAt))
        {
            var sent = receiver.SendResolved ? firing.Concat(resolved) : firing;
            var payloadAlerts = sent
                .OrderBy(a => a.Member.StartsAt)
                .ThenBy(a => a.Fingerprint, StringComparer.Ordinal)
                .Select(a => ToPayload(a.Fingerprint, a.Member))
                .ToList();
            // With send_resolved off, "all resolved" has nothing to send; the log is still updated so the next firing
            // alert is news again.
            if (payloadAlerts.Count > 0)
            {
                notification = Create(now, flushAt, receiverName, key, group.Labels, payloadAlerts);
            }
            group.LastNotifiedAt = flushAt;
            group.NotifiedFiring = new SortedSet<string>(firingSet, StringComparer.Ordinal);
            group.NotifiedResolved = new SortedSet<string>(resolvedSet, StringComparer.Ordinal);
        }

        foreach (var fingerprint in leaving)
        {
            group.Members.Remove(fingerprint);
        }
        group.HasFlushed = true;
        group.NextFlushAt = NextTick(flushAt, receiver.GroupInterval, now);
        return notification;
    }

    private static bool NeedsUpdate(
        AggregationGroupState group,
        HashSet<string> firing,
        HashSet<string> resolved,
        IReadOnlyList<(string Fingerprint, GroupMember Member, bool Acknowledged)> firingAlerts,
        WebhookReceiverOptions receiver,
        DateTimeOffset flushAt)
    {
        if (group.LastNotifiedAt is not { } last)
        {
            return firing.Count > 0;
        }
        if (!firing.IsSubsetOf(group.NotifiedFiring))
        {
            return true;
        }
        if (firing.Count == 0)
        {
            // Alerts that fired and resolved between two flushes were never announced, so there is nothing to resolve.
            return group.NotifiedFiring.Count > 0;
        }
        if (receiver.SendResolved && !resolved.IsSubsetOf(group.NotifiedResolved))
        {
            return true;
        }
        // Nothing changed: repeat only while someone has not acknowledged a firing alert.
        return flushAt - last >= receiver.RepeatInterval && firingAlerts.Any(a => !a.Acknowledged);
    }

    private Notification Create(
        DateTimeOffset now,
        DateTimeOffset flushAt,
        string receiver,
        string groupKey,
        IReadOnlyDictionary<string, string> groupLabels,
        IReadOnlyList<AlertmanagerPayload.PayloadAlert> alerts)
    {
        var payload = AlertmanagerPayload.Write(receiver, groupKey, groupLabels, alerts, ExternalUrl);
        var key = IdempotencyKey(receiver, groupKey, flushAt, payload);
        return new Notification(
            Id: key[..32],
            Receiver: receiver,
            GroupKey: groupKey,
            IdempotencyKey: key,
            Status: AlertmanagerPayload.StatusOf(alerts),
            Payload: payload,
            Delivery: NotificationStatus.Pending,
            Attempts: 0,
            CreatedAt: now,
            NextAttemptAt: now,
            DeliveredAt: null,
            LastError: null);
    }

    /// <summary>SHA-256 of receiver, group key, scheduled flush time and body: equal for equal flushes, whoever computes them.</summary>
    public static string IdempotencyKey(string receiver, string groupKey, DateTimeOffset flushAt, string payload)
    {
        var text = $"{receiver}\n{groupKey}\n{flushAt.ToUnixTimeMilliseconds()}\n{payload}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private AlertmanagerPayload.PayloadAlert ToPayload(string fingerprint, GroupMember member) => new(
        member.ResolvedAt is null ? AlertmanagerPayload.Firing : AlertmanagerPayload.Resolved,
        member.Labels,
        member.Annotations,
        member.StartsAt,
        member.ResolvedAt,
        $"{ExternalUrl}/alerts/{Uri.EscapeDataString(fingerprint)}",
        fingerprint);

    /// <summary>
    /// group_wait after the alert started firing. When that is already past (the dispatcher was down, or the alert fired
    /// long ago) the group flushes at this dispatch, as Alertmanager does, but keeps the earlier time as its schedule:
    /// tied to the alert's start rather than to when a process saw it, every Collector sharing a database computes the
    /// same flush times and so the same idempotency keys.
    /// </summary>
    private static DateTimeOffset FirstFlush(DateTimeOffset now, AlertInstance alert, WebhookReceiverOptions receiver) =>
        (alert.FiringSince ?? now) + receiver.GroupWait;

    /// <summary>The first group_interval tick after <paramref name="now"/>, counted from the flush just made.</summary>
    private static DateTimeOffset NextTick(DateTimeOffset flushAt, TimeSpan interval, DateTimeOffset now)
    {
        var next = flushAt + interval;
        if (next <= now)
        {
            var behind = (now - next).Ticks / interval.Ticks + 1;
            next += TimeSpan.FromTicks(behind * interval.Ticks);
        }
        return next;
    }

    /// <summary>The values of the grouping labels the alert has (Alertmanager leaves absent ones out); "..." takes all.</summary>
    public static SortedDictionary<string, string> GroupLabels(IReadOnlyDictionary<string, string> labels, IReadOnlyList<string> groupBy)
    {
        var all = groupBy.Contains(WebhookReceiverOptions.AllLabels);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in labels)
        {
            if (all || groupBy.Contains(name))
            {
                result[name] = value;
            }
        }
        return result;
    }

    /// <summary>
    /// Alertmanager's group key: the route's key ("{}" for the root, "{}/{name=\"value\",...}" below it for a receiver with
    /// Match), a colon, and the group labels as Go prints a label set.
    /// </summary>
    public static string GroupKey(WebhookReceiverOptions receiver, IReadOnlyDictionary<string, string> groupLabels)
    {
        var route = receiver.Match.Count == 0
            ? "{}"
            : "{}/{" + string.Join(",", receiver.Match.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={Quote(m.Value)}")) + "}";
        return route + ":" + LabelSet(groupLabels);
    }

    /// <summary>A label set as Prometheus' model.LabelSet.String(): sorted, name="value", separated by ", ".</summary>
    public static string LabelSet(IReadOnlyDictionary<string, string> labels) =>
        "{" + string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={Quote(l.Value)}")) + "}";

    /// <summary>Go's %q for the characters label values carry.</summary>
    private static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        }
        return text.Append('"').ToString();
    }
}
