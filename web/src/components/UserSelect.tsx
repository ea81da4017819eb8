/** A drop-down of the server's other users, for sharing. */
export interface UserChoice {
  id: string;
  name: string;
  email: string;
}

export function UserSelect({ label, users, value, onChange }: { label: string; users: UserChoice[]; value: string; onChange(id: string): void }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose someone…</option>
      {users.map((user) => (
        <option key={user.id} value={user.id}>
          {user.name} ({user.email})
        </option>
      ))}
    </select>
  );
}
