using HoMM.Core.Constraints;
using HoMM.StudyFiles.Binding;
using HoMM.StudyFiles.SearchSpace;
using HoMM.StudyFiles.Yaml;

namespace HoMM.StudyFiles.Constraints;

/// <summary>
/// <c>constraints</c>: a list whose items are expressions over parameters
/// (<c>- order * order_expand &lt;= 16</c>) or model-size limits (<c>- max_params: 26M</c>,
/// <c>- max_flops: 2.9G</c>).
/// </summary>
internal static class ConstraintsBinder
{
    public const double MaxCount = 1e18;

    private static readonly string[] LimitKeys = ["max_params", "max_flops"];

    public static StudyConstraints? Bind(NodeReader r, YNode node, string path, BoundSearchSpace space)
    {
        if (node is YScalar { Resolved.Kind: ScalarKind.Null })
            return StudyConstraints.None;
        if (r.Sequence(node, path, "['order * order_expand <= 16', {max_params: 26M}]") is not { } seq)
            return null;
        var expressions = new List<ConstraintExpression>();
        long? maxParams = null, maxFlops = null;
        YScalar? maxParamsKey = null, maxFlopsKey = null;
        var ok = true;
        var kinds = space.Kinds;
        for (var i = 0; i < seq.Items.Count; i++)
        {
            var item = seq.Items[i];
            var p = NodeReader.Item(path, i);
            switch (item)
            {
                case YScalar { Resolved.Kind: ScalarKind.String } text:
                    if (BindExpression(r, text, p, kinds, space) is { } e)
                        expressions.Add(e);
                    else
                        ok = false;
                    break;
                case YMapping map:
                    r.CheckKeys(map, p, LimitKeys);
                    foreach (var (key, value) in map.Entries)
                    {
                        if (key.Value == "max_params")
                            ok &= Limit(r, key, value, p, ref maxParams, ref maxParamsKey);
                        else if (key.Value == "max_flops")
                            ok &= Limit(r, key, value, p, ref maxFlops, ref maxFlopsKey);
                        else
                            ok = false;
                    }
                    break;
                default:
                    r.Error(item, p, $"a constraint is an expression such as 'order * order_expand <= 16', or max_params: / max_flops: with a count; found {NodeReader.Describe(item)}" +
                                     (item is YScalar { Resolved.Kind: ScalarKind.Bool } ? " (quote the expression if it is meant as one)" : ""));
                    ok = false;
                    break;
            }
        }
        return ok ? new StudyConstraints(expressions, maxParams, maxFlops) : null;
    }

    private static ConstraintExpression? BindExpression(NodeReader r, YScalar text, string path, IReadOnlyDictionary<string, ValueKind> kinds, BoundSearchSpace space)
    {
        if (!ConstraintExpression.TryParse(text.Value, out var expression, out var syntax))
        {
            r.Error(text.MarkAt(syntax!.Column - 1), path, $"in '{ScalarValue.Abbreviate(NodeReader.Printable(text.Value))}': {syntax.Message}");
            return null;
        }
        var problems = expression!.Check(kinds);
        foreach (var problem in problems)
            r.Error(text.MarkAt(problem.Column - 1), path, $"in '{ScalarValue.Abbreviate(text.Value)}': {problem.Message}");
        if (problems.Count > 0)
            return null;
        // A constraint no configuration can meet would have run spend its tries on proposals
        // that all fail: the obvious cases are proven here, from the parameters' bounds.
        if (space.IsComplete && expression.WhyNeverSatisfied(space.Parameters.Select(p => p.Spec!)) is { } never)
        {
            r.Error(text, path, $"'{ScalarValue.Abbreviate(text.Value)}' can never hold: {never}; loosen it or widen the search space");
            return null;
        }
        return expression;
    }

    private static bool Limit(NodeReader r, YScalar key, YNode value, string path, ref long? slot, ref YScalar? firstKey)
    {
        var p = NodeReader.Child(path, key.Value);
        if (firstKey is not null)
        {
            r.Error(key, p, $"{key.Value} is already set at line {firstKey.Mark.Line}; give each limit once");
            return false;
        }
        firstKey = key;
        slot = Quantities.Count(r, value, p, MaxCount);
        return slot is not null;
    }
}
