using System.Globalization;
using HoMM.Core.Samplers;
using HoMM.Core.SearchSpace;
using HoMM.Core.Studies;
using HoMM.Core.Trials;

namespace HoMM.Core.Tests.Samplers.CmaEs;

/// <summary>Runs a real ask/tell study sequentially, for the model-based sampler tests.</summary>
internal static class SamplerDriver
{
    public static Study Optimize(
        ISampler sampler,
        SearchSpaceDefinition space,
        Func<IReadOnlyDictionary<string, object>, double> objective,
        int trials,
        StudyDirection direction = StudyDirection.Minimize)
    {
        var study = new Study(space, direction, sampler);
        for (var i = 0; i < trials; i++)
        {
            var t = study.Ask();
            study.Tell(t.Number, objective(t.Params));
        }
        return study;
    }

    public static double BestValue(Study study, StudyDirection direction = StudyDirection.Minimize)
    {
        var values = study.Trials.Where(t => t.State == TrialState.Complete).Select(t => t.Value!.Value);
        return direction == StudyDirection.Minimize ? values.Min() : values.Max();
    }

    public static double D(IReadOnlyDictionary<string, object> p, string name) =>
        Convert.ToDouble(p[name], CultureInfo.InvariantCulture);

    public static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    public static SearchSpaceDefinition Space(params (string Name, Distribution Distribution)[] parameters) =>
        new(parameters.Select(p => new ParameterSpec(p.Name, p.Distribution)));
}
