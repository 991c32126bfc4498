namespace HoMM.Storage;

/// <summary>A study of that name is already in the store (use GetOrCreateStudyAsync to resume it).</summary>
public sealed class StudyExistsException(string name, Exception? innerException = null)
    : InvalidOperationException($"a study named '{name}' already exists in this database; resume it or choose another name", innerException)
{
    public string StudyName { get; } = name;
}

/// <summary>The database was made by a newer (or foreign) program, or its schema is damaged.</summary>
public sealed class StoreSchemaException(string message) : InvalidOperationException(message);

/// <summary>The database server cannot be reached, refuses the login, or lacks the database; the message says what to do.</summary>
public sealed class StoreConnectionException(string message, Exception? innerException = null) : InvalidOperationException(message, innerException);

/// <summary>The database exists but holds no homm-search schema, and the caller asked not to create one.</summary>
public sealed class StoreEmptyException(string message) : InvalidOperationException(message);
