namespace Outreach.Connector.Mapping;

/// <summary>What enrolment does to a prospect's state in the audience's sequence when it leaves the audience.</summary>
public enum SequenceExit
{
    /// <summary>Nothing: the sequence runs on.</summary>
    None,

    /// <summary>Finishes that one sequence state (<c>POST /sequenceStates/{id}/actions/finish</c>); the history stays.</summary>
    Finish,

    /// <summary>Pauses that one sequence state (<c>POST /sequenceStates/{id}/actions/pause</c>).</summary>
    Pause,
}
