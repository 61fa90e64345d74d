using Fulcrum.Appliance.Config.Model;

namespace Fulcrum.Appliance.Config.Store;

public sealed record StoredGeneration(GenerationInfo Info, FulcrumConfig Config);
