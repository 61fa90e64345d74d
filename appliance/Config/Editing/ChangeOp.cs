namespace Fulcrum.Appliance.Config.Editing;

public enum ChangeOp
{
    Create,
    Replace,
    Patch,
    Delete,
}
